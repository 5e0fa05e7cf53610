// The Copy buttons beside feed addresses. They are hidden in the HTML and shown here, so a
// page without scripts has no button that does nothing; there, one click selects the
// address (user-select: all in site.css) for the reader's own copy.
for (const button of document.querySelectorAll("button[data-copy]")) {
  button.hidden = false;
  button.addEventListener("click", async () => {
    const address = button.dataset.copy ?? "";
    try {
      await navigator.clipboard.writeText(address);
      button.textContent = "Copied";
    } catch {
      // No clipboard (an insecure origin, a refusal): select the address to copy by hand.
      const code = button.previousElementSibling;
      if (code) window.getSelection()?.selectAllChildren(code);
      button.textContent = "Selected";
    }
    setTimeout(() => {
      button.textContent = "Copy";
    }, 2000);
  });
}
