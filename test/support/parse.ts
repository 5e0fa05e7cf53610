// Reads feeds back with fast-xml-parser, a parser independent of the renderers, into
// plain objects the tests can compare with the articles.
import { XMLParser, XMLValidator } from "fast-xml-parser";

const LISTS = new Set(["item", "entry", "category", "link", "atom:link", "media:content", "author"]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  textNodeName: "#text",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  // Decodes numeric character references such as &#13; (named HTML entities never occur in our output).
  htmlEntities: true,
  isArray: (name) => LISTS.has(name),
});

type Node = Record<string, unknown>;

/** Parses well-formed XML, or throws with the parser's reason. */
export function parseXml(xml: string): Node {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`not well-formed XML: ${valid.err.msg} at line ${valid.err.line}`);
  return parser.parse(xml) as Node;
}

const text = (node: unknown): string | undefined =>
  node === undefined
    ? undefined
    : typeof node === "string"
      ? node
      : (((node as Node)["#text"] as string | undefined) ?? "");

const list = (node: unknown): Node[] => (node as Node[] | undefined) ?? [];

export interface ParsedItem {
  id: string;
  title: string;
  link: string;
  date: string;
  summary?: string;
  content?: string;
  author?: string;
  categories: string[];
  enclosures: { url: string; type: string }[];
  related: string[];
  via?: string;
  images: string[];
}

export interface ParsedFeed {
  title: string;
  updated: string;
  selfLinks: string[];
  alternates: Record<string, string>;
  items: ParsedItem[];
}

export function readRss(xml: string): ParsedFeed {
  const channel = (parseXml(xml).rss as Node).channel as Node;
  const links = list(channel["atom:link"]);
  return {
    title: text(channel.title) as string,
    updated: text(channel.lastBuildDate) as string,
    selfLinks: links.filter((l) => l["@rel"] === "self").map((l) => l["@href"] as string),
    alternates: Object.fromEntries(
      links.filter((l) => l["@rel"] === "alternate").map((l) => [l["@type"] as string, l["@href"] as string]),
    ),
    items: list(channel.item).map((item) => {
      const itemLinks = list(item["atom:link"]);
      const enclosure = item.enclosure as Node | undefined;
      return {
        id: text(item.guid) as string,
        title: text(item.title) as string,
        // "link" is a list for Atom's sake; RSS has exactly one.
        link: text(list(item.link)[0]) as string,
        date: text(item.pubDate) as string,
        summary: text(item.description),
        content: text(item["content:encoded"]),
        author: text(item["dc:creator"]),
        categories: list(item.category).map((c) => text(c) as string),
        enclosures: enclosure ? [{ url: enclosure["@url"] as string, type: enclosure["@type"] as string }] : [],
        related: itemLinks.filter((l) => l["@rel"] === "related").map((l) => l["@href"] as string),
        via: itemLinks.find((l) => l["@rel"] === "via")?.["@href"] as string | undefined,
        images: list(item["media:content"]).map((m) => m["@url"] as string),
      };
    }),
  };
}

export function readAtom(xml: string): ParsedFeed {
  const feed = parseXml(xml).feed as Node;
  const links = list(feed.link);
  return {
    title: text(feed.title) as string,
    updated: text(feed.updated) as string,
    selfLinks: links.filter((l) => l["@rel"] === "self").map((l) => l["@href"] as string),
    alternates: Object.fromEntries(
      links.filter((l) => l["@rel"] === "alternate").map((l) => [l["@type"] as string, l["@href"] as string]),
    ),
    items: list(feed.entry).map((entry) => {
      const entryLinks = list(entry.link);
      const rel = (name: string) => entryLinks.filter((l) => l["@rel"] === name);
      return {
        id: text(entry.id) as string,
        title: text(entry.title) as string,
        link: rel("alternate")[0]?.["@href"] as string,
        date: text(entry.published) as string,
        summary: text(entry.summary),
        content: text(entry.content),
        author: text(list(entry.author)[0]?.name),
        categories: list(entry.category).map((c) => c["@label"] as string),
        enclosures: rel("enclosure").map((l) => ({ url: l["@href"] as string, type: l["@type"] as string })),
        related: rel("related").map((l) => l["@href"] as string),
        via: rel("via")[0]?.["@href"] as string | undefined,
        images: list(entry["media:content"]).map((m) => m["@url"] as string),
      };
    }),
  };
}
