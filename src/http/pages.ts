// The HTML pages: the home page listing every feed, and one page per topic, provider and
// category, each with autodiscovery links so browsers and readers find the feeds.
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { SiteConfig } from "../config.js";
import type { Article } from "../content/article.js";
import { utcDay } from "../dates.js";
import { embedSnippet } from "../embed/snippet.js";
import { FORMAT_NAMES, FORMATS } from "../feed/formats.js";
import type { TermKind, TermSummary } from "../store/store.js";
import type { Rendered } from "./cache.js";
import { catalog } from "./catalog.js";
import type { FeedDeps } from "./feed-route.js";
import { unknownTerm } from "./problem.js";
import { type Scope, scopePath } from "./route.js";

const LABELS = { rss: "RSS", atom: "Atom", json: "JSON Feed" } as const;
const HEADINGS = { topic: "Topics", provider: "Providers", category: "Categories" } as const;
const SINGULAR = { topic: "Topic", provider: "Provider", category: "Category" } as const;
const HTML = "text/html; charset=utf-8";

const feedUrls = (site: SiteConfig, path: string) =>
  FORMAT_NAMES.map((name) => ({
    name,
    label: LABELS[name],
    type: FORMATS[name].mediaType,
    url: `${site.origin}${path}/${FORMATS[name].file}`,
  }));

const date = (rfc3339: string | undefined) => (rfc3339 ? utcDay(Date.parse(rfc3339)) : "—");

function layout(site: SiteConfig, title: string, path: string, body: HtmlEscapedString | Promise<HtmlEscapedString>) {
  return html`<!doctype html>
<html lang="${site.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="icon" href="${site.faviconUrl}">
<link rel="stylesheet" href="${site.origin}/site.css">
${feedUrls(site, path).map((feed) => html`<link rel="alternate" type="${feed.type}" title="${title} (${feed.label})" href="${feed.url}">\n`)}
</head>
<body>
<header><a href="${site.origin}/"><img src="${site.faviconUrl}" alt="" width="32" height="32"> ${site.title}</a></header>
<main>
${body}
</main>
</body>
</html>
`;
}

function feedLinks(site: SiteConfig, path: string) {
  return html`${feedUrls(site, path).map((feed, i) => html`${i > 0 ? " · " : ""}<a href="${feed.url}" type="${feed.type}">${feed.label}</a>`)}`;
}

const SUBSCRIBE = html`<p class="how">To subscribe, copy a feed's address into your feed reader (NetNewsWire, Feedly,
Inoreader, Miniflux, newsboat…), or import <a href="/feeds.opml">every feed as OPML</a>.</p>`;

/** The home page, rendered on a cache miss; it changes when a scheduled article appears. */
export async function renderHome(deps: FeedDeps, site: SiteConfig, now: number): Promise<Rendered> {
  const { terms, total, newest, nextChangeMs } = await catalog(deps.store, now);
  const section = (kind: TermKind) => {
    const rows = terms.filter((summary) => summary.kind === kind);
    return html`<section><h2>${HEADINGS[kind]}</h2>
<table><thead><tr><th>${SINGULAR[kind]}</th><th>Articles</th><th>Newest</th><th>Feeds</th></tr></thead><tbody>
${rows.map((row) => termRow(site, row))}
</tbody></table></section>`;
  };
  const body = await layout(
    site,
    site.title,
    "",
    html`<h1>${site.title}</h1>
<p>${site.description}</p>
<section><h2>All articles</h2>
<p><strong>${total}</strong> articles, the newest from ${date(newest)}: ${feedLinks(site, "")}</p>
${SUBSCRIBE}</section>
${section("topic")}
${section("provider")}
${section("category")}
<section><h2 id="json-feed-extensions">JSON Feed extensions</h2>
<p><code>_related</code> on an item: <code>articles</code>, the related articles, each with <code>title</code>,
<code>url</code> and, when known, <code>summary</code>, <code>date_published</code> and <code>provider</code>.</p></section>`,
  );
  return { body: String(body), contentType: HTML, nextChangeMs };
}

function termRow(site: SiteConfig, row: TermSummary) {
  const path = scopePath(row.kind, row.slug);
  return html`<tr><td><a href="${site.origin}${path}/">${row.label}</a></td><td>${row.count}</td><td>${date(row.newest)}</td><td>${feedLinks(site, path)}</td></tr>\n`;
}

function articleItem(article: Article) {
  return html`<li><a href="${article.url}">${article.title}</a> <small>${article.provider?.name ?? ""} · ${date(article.published)}</small></li>\n`;
}

/** A topic's, provider's or category's page, rendered on a cache miss. */
export async function renderTermPage(
  deps: FeedDeps,
  site: SiteConfig,
  { kind, slug }: Scope,
  now: number,
): Promise<Rendered> {
  const filters = {
    topics: kind === "topic" ? [slug] : [],
    provider: kind === "provider" ? slug : undefined,
    category: kind === "category" ? slug : undefined,
  };
  // The term (visible only once one of its articles is) and its latest articles: one store call.
  const answer = await deps.store.feed({ terms: [{ kind, slug }], select: { filters, now, limit: 20, count: true } });
  const [term] = answer.terms;
  if (!term) throw unknownTerm(kind, slug);
  const latest = answer.selection;
  const path = scopePath(kind, slug);
  const title = `${term.label} — ${site.title}`;
  const body = await layout(
    site,
    title,
    path,
    html`<h1>${term.label}</h1>
<p>${SINGULAR[kind]} · <strong>${latest.total ?? 0}</strong> articles · ${feedLinks(site, path)}</p>
${SUBSCRIBE}
<h2>Latest</h2>
<ul class="articles">
${latest.items.map(articleItem)}
</ul>
${embedSnippet(site, path, term.label)}`,
  );
  return {
    body: String(body),
    contentType: HTML,
    newestMs: latest.items[0]?.publishedMs,
    nextChangeMs: latest.nextChangeMs,
  };
}
