// Reads HTML back with workerd's own HTMLRewriter (lol-html), a parser independent of the
// templates: the elements a selector matches, with their attributes and text.
export interface Element {
  attrs: Record<string, string>;
  /** The text inside, entities decoded as a browser would show them. */
  text: string;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", apos: "'" };
const decode = (raw: string): string =>
  raw.replace(/&(#\d+|#x[0-9a-f]+|\w+);/gi, (whole, name: string) => {
    if (name.startsWith("#x")) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith("#") && !ENTITIES[name]) return String.fromCodePoint(Number(name.slice(1)));
    return ENTITIES[name] ?? whole;
  });

/** Every element `selector` matches, in document order. */
export async function select(html: string, selector: string): Promise<Element[]> {
  const found: Element[] = [];
  let open: Element[] = [];
  const rewriter = new HTMLRewriter()
    .on(selector, {
      element(element) {
        const attrs = Object.fromEntries([...element.attributes].map(([name, value]) => [name, decode(value ?? "")]));
        const entry: Element = { attrs, text: "" };
        found.push(entry);
        try {
          element.onEndTag(() => {
            open = open.filter((e) => e !== entry);
          });
          open.push(entry);
        } catch {
          // A void element (img, link): no end tag, no text.
        }
      },
    })
    .onDocument({
      text(chunk) {
        for (const entry of open) entry.text += chunk.text;
      },
    });
  await rewriter.transform(new Response(html)).text();
  for (const entry of found) entry.text = decode(entry.text);
  return found;
}

export async function first(html: string, selector: string): Promise<Element | undefined> {
  return (await select(html, selector))[0];
}
