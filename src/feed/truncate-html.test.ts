// Cutting HTML short: well-formed, never inside a tag, an entity or a surrogate pair.
import { XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { truncateHtml } from "./truncate-html.js";

const wellFormed = (html: string) => XMLValidator.validate(`<root>${html}</root>`) === true;

describe("truncateHtml", () => {
  it("leaves HTML that fits alone", () => {
    expect(truncateHtml("<p>short</p>", 100)).toBe("<p>short</p>");
  });

  it("closes what it leaves open, within the limit", () => {
    const html = `<blockquote><p>${"word ".repeat(50)}</p></blockquote><p>after</p>`;
    const cut = truncateHtml(html, 100);
    expect(cut.length).toBeLessThanOrEqual(100);
    expect(cut).toMatch(/^<blockquote><p>(word )*word<\/p><\/blockquote>$/);
  });

  it("never cuts inside an entity", () => {
    const html = `<p>${"&amp;".repeat(100)}</p>`;
    for (let max = 0; max < 60; max++) {
      const cut = truncateHtml(html, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut.replace(/&amp;/g, "")).not.toContain("&");
      if (cut) expect(wellFormed(cut)).toBe(true);
    }
  });

  it("never cuts inside a tag or its quoted attribute", () => {
    const html = `<p><a href="https://example.com/?a=1&amp;b=%3E">a link</a> and <img src="https://img.example/x.png" alt="a > b"> text</p>`;
    for (let max = 0; max <= html.length; max++) {
      const cut = truncateHtml(html, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      if (cut) expect(wellFormed(cut.replace(/<img((?:[^>"]|"[^"]*")*)>/g, "<img$1/>"))).toBe(true);
    }
  });

  it("never leaves a lone surrogate", () => {
    const cut = truncateHtml(`<p>${"😀".repeat(100)}</p>`, 40);
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(cut).toMatch(/^<p>(😀)+<\/p>$/);
  });

  it("keeps nested lists and code balanced", () => {
    const html = `<ul><li><p>one</p><ul><li>two <code>x &lt; y</code></li></ul></li></ul><pre><code>${"line\n".repeat(50)}</code></pre>`;
    for (const max of [10, 30, 60, 90, 120]) expect(wellFormed(truncateHtml(html, max))).toBe(true);
  });
});
