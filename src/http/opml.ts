// /feeds.opml: every feed as an OPML 2.0 subscription list a reader can import.
import type { SiteConfig } from "../config.js";
import { httpDate } from "../dates.js";
import { attrs, escapeXml } from "../feed/xml.js";
import type { Rendered } from "./cache.js";
import { catalog } from "./catalog.js";
import { type FeedDeps, topSubject } from "./feed-route.js";
import { DEFAULT_WINDOW, scopePath } from "./route.js";

const GROUPS = [
  ["topic", "Topics"],
  ["provider", "Providers"],
  ["category", "Categories"],
] as const;

function outline(text: string, xmlUrl: string, htmlUrl: string): string {
  return `<outline${attrs({ type: "rss", text, title: text, xmlUrl, htmlUrl })}/>`;
}

/** The OPML list, rendered on a cache miss. */
export async function renderOpml(deps: FeedDeps, site: SiteConfig, now: number): Promise<Rendered> {
  const { terms, newest, nextChangeMs } = await catalog(deps.store, now);
  // Dated by the newest article, like the feeds: the same content gives the same bytes.
  let body = `<?xml version="1.0" encoding="utf-8"?>\n<opml version="2.0"><head>`;
  body += `<title>${escapeXml(site.title)} feeds</title>`;
  if (newest) body += `<dateModified>${httpDate(Date.parse(newest))}</dateModified>`;
  body += `<ownerName>${escapeXml(site.title)}</ownerName><docs>http://opml.org/spec2.opml</docs></head>\n<body>\n`;
  body += `${outline(site.title, `${site.origin}/rss.xml`, `${site.origin}/`)}\n`;
  // The site's top feed beside its main one. Not each term's: an import subscribes to every
  // outline, and a reader who wants a term's best articles finds them on the term's page.
  body += `${outline(`${topSubject(DEFAULT_WINDOW)} — ${site.title}`, `${site.origin}/top/rss.xml`, `${site.origin}/`)}\n`;
  for (const [kind, heading] of GROUPS) {
    body += `<outline text="${heading}">\n`;
    for (const summary of terms.filter((entry) => entry.kind === kind)) {
      const path = `${site.origin}${scopePath(kind, summary.slug)}`;
      body += `${outline(`${summary.label} — ${site.title}`, `${path}/rss.xml`, `${path}/`)}\n`;
    }
    body += "</outline>\n";
  }
  body += "</body></opml>\n";
  return { body, contentType: "text/x-opml; charset=utf-8", nextChangeMs };
}
