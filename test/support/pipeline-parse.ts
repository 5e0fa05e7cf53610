// An Atom document's feed-level links by rel, read with fast-xml-parser.
import { XMLParser } from "fast-xml-parser";

export function parseAtom(xml: string): { links: Record<string, string> } {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "",
    isArray: (name) => name === "link",
  });
  const feed = parser.parse(xml).feed as { link?: { rel?: string; href: string }[] };
  const links: Record<string, string> = {};
  for (const link of feed.link ?? []) links[link.rel ?? "alternate"] ??= link.href;
  return { links };
}
