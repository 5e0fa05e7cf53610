// XML escaping for the XML renderers, and the feed links they share. Escaping is written
// by hand because the `feed` package's serializer (xml-js) escapes only `"` in attributes
// and only the first `]]>` of a CDATA section. Text fields are escaped as text, so no field
// can open an element; HTML bodies travel in CDATA (every `]]>` split), so the body's own
// escaping (`&amp;`) is not escaped again. XML-illegal characters were removed at build time.
import { type FeedView, MEDIA_TYPES, NAV_RELS } from "./view.js";

// Parsers turn a raw CR into LF in text, and tab, CR and LF into spaces in attributes
// (XML 1.0 §2.11, §3.3.3), so those travel as character references to survive intact.
const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "\t": "&#9;",
  "\n": "&#10;",
  "\r": "&#13;",
};
const TEXT_SPECIAL = /[&<>"\r]/g;
const ATTRIBUTE_SPECIAL = /[&<>"\t\n\r]/g;
const escapeChar = (char: string) => ESCAPES[char] as string;

/** Text content: `]]>` can never close anything, and no markup can open. */
export function escapeXml(value: string): string {
  return value.replace(TEXT_SPECIAL, escapeChar);
}

/** A double-quoted attribute value. */
export function escapeAttribute(value: string): string {
  return value.replace(ATTRIBUTE_SPECIAL, escapeChar);
}

/** ` name="value"` for each defined value, in the given order. */
export function attrs(values: Record<string, string | number | undefined>): string {
  let out = "";
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined) out += ` ${name}="${escapeAttribute(String(value))}"`;
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

/**
 * `<name><![CDATA[html]]></name>`: HTML, which has escaped its own text, carried as it is.
 * Escaping it again as text would turn each `&amp;` into `&amp;amp;`, nine bytes for one
 * character. A `]]>` inside is split across two sections; a CR (which a parser would
 * turn into LF inside CDATA, and which rendered Markdown never holds) falls back to text.
 */
export function htmlElement(name: string, markup: string | undefined, attributes: Record<string, string> = {}): string {
  if (markup === undefined) return "";
  if (markup.includes("\r")) return textElement(name, markup, attributes);
  return `<${name}${attrs(attributes)}><![CDATA[${markup.replaceAll("]]>", "]]]]><![CDATA[>")}]]></${name}>`;
}

/** Plain text as HTML, for fields whose format reads HTML (RSS `description`). */
export function textToHtml(text: string): string {
  return escapeXml(text);
}

/** Browsers that still run XSLT show the feed as a page; readers ignore the instruction. */
export function stylesheetInstruction(href: string): string {
  return `<?xml-stylesheet type="text/xsl" href="${escapeAttribute(href)}"?>\n`;
}

type LinkWriter = (rel: string, href: string, type?: string) => string;

/**
 * The links RSS (as `atom:link`) and Atom (as `link`) both carry: self, the other two
 * formats, RFC 5005 paging and archive links in this format, the WebSub hub, and the
 * archive marker.
 */
export function feedLinks(view: FeedView, format: "rss" | "atom", link: LinkWriter): string {
  let out = link("self", view.links[format], MEDIA_TYPES[format]);
  for (const other of ["rss", "atom", "json"] as const) {
    if (other !== format) out += link("alternate", view.links[other], MEDIA_TYPES[other]);
  }
  for (const rel of NAV_RELS) {
    const href = view.nav[rel];
    if (href) out += link(rel, href, MEDIA_TYPES[format]);
  }
  if (view.hub) out += link("hub", view.hub);
  if (view.archive) out += "<fh:archive/>";
  return out;
}
