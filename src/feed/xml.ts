// XML escaping for the XML renderers. Written by hand because the `feed` package's
// serializer (xml-js) escapes only `"` in attributes and only the first `]]>` of a
// CDATA section. Every value here is escaped as text, so `]]>` is never special and
// no field can open an element. XML-illegal characters were removed at build time.

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };
const SPECIAL = /[&<>"]/g;

export function escapeXml(value: string): string {
  return value.replace(SPECIAL, (char) => ESCAPES[char] as string);
}

/** ` name="value"` for each defined value, in the given order. */
export function attrs(values: Record<string, string | number | undefined>): string {
  let out = "";
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined) out += ` ${name}="${escapeXml(String(value))}"`;
  }
  return out;
}

/** `<name attrs>text</name>`, or nothing when the text is undefined. */
export function textElement(
  name: string,
  text: string | undefined,
  attributes: Record<string, string | undefined> = {},
): string {
  return text === undefined ? "" : `<${name}${attrs(attributes)}>${escapeXml(text)}</${name}>`;
}

/** Plain text as HTML, for fields whose format reads HTML (RSS `description`). */
export function textToHtml(text: string): string {
  return escapeXml(text);
}
