// RSS 2.0 with the content, Dublin Core, Atom, Media RSS, feed history and webfeeds modules.

import type { Article } from "../content/article.js";
import { enclosureType } from "../content/mime.js";
import { httpDate } from "../dates.js";
import { mediaElements } from "./media.js";
import { type EncodedDocument, joinParts, memoPerArticle } from "./memo.js";
import { contentOf, type FeedView, summaryOf, terms } from "./view.js";
import { attrs, feedLinks, htmlElement, stylesheetInstruction, textElement, textToHtml } from "./xml.js";

const NAMESPACES = attrs({
  version: "2.0",
  "xmlns:atom": "http://www.w3.org/2005/Atom",
  "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
  "xmlns:dc": "http://purl.org/dc/elements/1.1/",
  "xmlns:fh": "http://purl.org/syndication/history/1.0",
  "xmlns:media": "http://search.yahoo.com/mrss/",
  "xmlns:webfeeds": "http://webfeeds.org/rss/1.0",
});

/** RFC 822 dates as RSS wants them: `Fri, 12 Mar 2021 18:33:00 GMT`. */
/** RSS 2.0 dates are RFC 822 dates; an HTTP-date is one, with a four-digit year. */
const rfc822 = (rfc3339: string) => httpDate(Date.parse(rfc3339));

function atomLink(rel: string, href: string, type?: string, title?: string): string {
  return `<atom:link${attrs({ rel, type, href, title })}/>`;
}

export const rssItem = memoPerArticle((view: FeedView, article: Article): string => {
  const [first] = article.images;
  let out = "<item>";
  out += textElement("title", article.title);
  out += textElement("link", article.url);
  out += textElement("guid", view.tagPrefix + article.id, { isPermaLink: "false" });
  out += textElement("pubDate", rfc822(article.published));
  // RSS `author` must be an e-mail address; a provider is a name, which is dc:creator.
  out += textElement("dc:creator", article.provider?.name);
  // `description` is read as HTML by readers, so the plain-text summary is escaped for it.
  out += textElement("description", textToHtml(summaryOf(article)));
  out += htmlElement("content:encoded", contentOf(view, article));
  for (const term of terms(view, article)) out += textElement("category", term.label, { domain: term.scheme });
  // One enclosure per item is all RSS readers agree on; RSS requires its type (mime.ts).
  if (first) out += `<enclosure${attrs({ url: first.url, length: 0, type: enclosureType(first.mimeType) })}/>`;
  out += mediaElements(article);
  if (article.externalUrl) out += atomLink("via", article.externalUrl);
  for (const related of article.related) out += atomLink("related", related.url, "text/html", related.title);
  return `${out}</item>\n`;
});

export function renderRss(view: FeedView): EncodedDocument {
  let out = `<?xml version="1.0" encoding="utf-8"?>\n${stylesheetInstruction(view.stylesheet)}<rss${NAMESPACES}><channel>\n`;
  out += textElement("title", view.title);
  out += textElement("link", view.homeUrl);
  out += textElement("description", view.description);
  out += textElement("language", view.language);
  out += textElement("lastBuildDate", rfc822(view.updated));
  out += feedLinks(view, "rss", atomLink);
  out += `<image>${textElement("url", view.iconUrl)}${textElement("title", view.title)}${textElement("link", view.homeUrl)}</image>`;
  // Feedly's icon and logo; the W3C validator warns that it does not know this namespace.
  out += `${textElement("webfeeds:icon", view.iconUrl)}${textElement("webfeeds:logo", view.logoUrl)}\n`;
  return joinParts([out, ...view.items.map((article) => rssItem(view, article)), "</channel></rss>\n"]);
}
