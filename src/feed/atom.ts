// Atom 1.0 (RFC 4287) with Media RSS and feed history. Feedly reads Atom's own icon and logo.
import type { Article } from "../content/article.js";
import { enclosureType } from "../content/mime.js";
import { mediaElements } from "./media.js";
import { type EncodedDocument, joinParts, memoPerArticle } from "./memo.js";
import { contentOf, type FeedView, summaryOf, terms } from "./view.js";
import { attrs, feedLinks, htmlElement, stylesheetInstruction, textElement } from "./xml.js";

const NAMESPACES = attrs({
  xmlns: "http://www.w3.org/2005/Atom",
  "xmlns:fh": "http://purl.org/syndication/history/1.0",
  "xmlns:media": "http://search.yahoo.com/mrss/",
});

function link(rel: string, href: string, type?: string, title?: string): string {
  return `<link${attrs({ rel, type, href, title })}/>`;
}

function person(name: string, uri: string | undefined): string {
  return `<author>${textElement("name", name)}${textElement("uri", uri)}</author>`;
}

export const atomEntry = memoPerArticle((view: FeedView, article: Article): string => {
  let out = "<entry>";
  out += textElement("id", view.tagPrefix + article.id);
  out += textElement("title", article.title, { type: "text" });
  out += link("alternate", article.url, "text/html");
  if (article.externalUrl) out += link("via", article.externalUrl, "text/html");
  for (const related of article.related) out += link("related", related.url, "text/html", related.title);
  // Every image, whatever its URL looks like: readers of core Atom see only these.
  for (const image of article.images) out += link("enclosure", image.url, enclosureType(image.mimeType));
  out += textElement("published", article.published);
  out += textElement("updated", article.published);
  // Entries without a provider inherit the feed's author.
  if (article.provider) out += person(article.provider.name, article.provider.url);
  for (const term of terms(view, article)) {
    out += `<category${attrs({ term: term.slug, scheme: term.scheme, label: term.label })}/>`;
  }
  out += textElement("summary", summaryOf(article), { type: "text" });
  out += htmlElement("content", contentOf(view, article), { type: "html" });
  out += mediaElements(article);
  return `${out}</entry>\n`;
});

export function renderAtom(view: FeedView): EncodedDocument {
  let out = `<?xml version="1.0" encoding="utf-8"?>\n${stylesheetInstruction(view.stylesheet)}<feed${NAMESPACES}${attrs({ "xml:lang": view.language })}>\n`;
  out += textElement("id", view.id);
  out += textElement("title", view.title, { type: "text" });
  out += textElement("subtitle", view.description, { type: "text" });
  out += textElement("updated", view.updated);
  out += link("alternate", view.homeUrl, "text/html");
  out += feedLinks(view, "atom", link);
  out += person(view.author.name, view.author.url);
  out += textElement("icon", view.iconUrl);
  out += textElement("logo", view.logoUrl);
  out += "\n";
  return joinParts([out, ...view.items.map((article) => atomEntry(view, article)), "</feed>\n"]);
}
