// The HTML pages: the home page listing every feed, and one page per topic, provider and
// category, each with autodiscovery links so browsers and readers find the feeds.
import { html } from "hono/html";
import type { SiteConfig } from "../config.js";
import { embedSnippet } from "../embed/snippet.js";
import { FORMAT_NAMES, FORMATS } from "../feed/formats.js";
import type { TermKind, TermSummary } from "../store/store.js";
import type { Rendered } from "./cache.js";
import { catalog } from "./catalog.js";
import type { FeedDeps } from "./feed-route.js";
import { address, articleList, day, layout } from "./layout.js";
import { unknownTerm } from "./problem.js";
import { type Scope, scopePath } from "./route.js";

const LABELS = { rss: "RSS", atom: "Atom", json: "JSON Feed" } as const;
const HEADINGS = { topic: "Topics", provider: "Providers", category: "Categories" } as const;
const SINGULAR = { topic: "Topic", provider: "Provider", category: "Category" } as const;
const HTML = "text/html; charset=utf-8";

/** Articles the home page shows above the feeds, from the catalog's one store call. */
export const HOME_LATEST = 10;

const feedUrls = (site: SiteConfig, path: string) =>
  FORMAT_NAMES.map((name) => ({
    name,
    label: LABELS[name],
    type: FORMATS[name].mediaType,
    url: `${site.origin}${path}/${FORMATS[name].file}`,
  }));

const shell = (site: SiteConfig) => ({
  home: `${site.origin}/`,
  siteTitle: site.title,
  language: site.language,
  faviconUrl: site.faviconUrl,
});

/** A page of the site, whose feeds (at `path`) browsers and readers discover. */
function page(site: SiteConfig, title: string, path: string, body: ReturnType<typeof html>) {
  const alternates = feedUrls(site, path).map((feed) => ({
    type: feed.type,
    title: `${title} (${feed.label})`,
    href: feed.url,
  }));
  return layout(shell(site), title, body, alternates);
}

function feedLinks(site: SiteConfig, path: string) {
  return html`${feedUrls(site, path).map((feed, i) => html`${i > 0 ? " · " : ""}<a href="${feed.url}" type="${feed.type}">${feed.label}</a>`)}`;
}

/** Each of a view's three feeds with its address in view, to select or copy. */
function feedAddresses(site: SiteConfig, path: string) {
  return html`<ul class="feeds">
${feedUrls(site, path).map((feed) => html`<li><a href="${feed.url}" type="${feed.type}">${feed.label}</a> ${address(feed.url, feed.label)}</li>\n`)}</ul>`;
}

/**
 * Beside a view's feeds, its top feeds (`<path>/top/…`, src/http/route.ts): links only, so
 * the addresses to copy stay the view's own three.
 */
function topFeeds(site: SiteConfig, path: string) {
  return html`<p class="top-feeds">Its best articles of the last 7 days, by quality: ${feedLinks(site, `${path}/top`)}
(add <code>?window=1d</code> or <code>?window=30d</code> for a day or a month).</p>`;
}

const SUBSCRIBE = html`<p class="how">To subscribe, copy a feed's address into your feed reader (NetNewsWire, Feedly,
Inoreader, Miniflux, newsboat…), or import <a href="/feeds.opml">every feed as OPML</a>.</p>`;

/** The home page, rendered on a cache miss; it changes when a scheduled article appears. */
export async function renderHome(deps: FeedDeps, site: SiteConfig, now: number): Promise<Rendered> {
  // The terms, the counts and the latest articles: one store call (one D1 round trip).
  const { terms, total, newest, latest = [], nextChangeMs } = await catalog(deps.store, now, HOME_LATEST);
  const section = (kind: TermKind) => {
    const rows = terms.filter((summary) => summary.kind === kind);
    return html`<section><h2>${HEADINGS[kind]}</h2>
<table class="terms"><thead><tr><th>${SINGULAR[kind]}</th><th>Articles</th><th class="newest">Newest</th><th>Feeds</th></tr></thead><tbody>
${rows.map((row) => termRow(site, row))}
</tbody></table></section>`;
  };
  const body = await page(
    site,
    site.title,
    "",
    html`<h1>${site.title}</h1>
<p>${site.description}</p>
<section class="latest"><h2>Latest articles</h2>
${articleList(latest)}</section>
<section id="feeds"><h2>All articles</h2>
<p><strong>${total}</strong> articles, the newest from ${day(newest)}, in three formats:</p>
${feedAddresses(site, "")}
${topFeeds(site, "")}
${SUBSCRIBE}</section>
${section("topic")}
${section("provider")}
${section("category")}`,
  );
  return { body: String(body), contentType: HTML, newestMs: latest[0]?.publishedMs, nextChangeMs };
}

function termRow(site: SiteConfig, row: TermSummary) {
  const path = scopePath(row.kind, row.slug);
  return html`<tr><td><a href="${site.origin}${path}/">${row.label}</a></td><td class="count">${row.count}</td><td class="newest">${day(row.newest)}</td><td>${feedLinks(site, path)}</td></tr>\n`;
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
  const body = await page(
    site,
    title,
    path,
    html`<h1>${term.label}</h1>
<p>${SINGULAR[kind]} · <strong>${latest.total ?? 0}</strong> articles</p>
${feedAddresses(site, path)}
${topFeeds(site, path)}
${SUBSCRIBE}
<h2>Latest</h2>
${articleList(latest.items)}
${embedSnippet(site, path, term.label)}`,
  );
  return {
    body: String(body),
    contentType: HTML,
    newestMs: latest.items[0]?.publishedMs,
    nextChangeMs: latest.nextChangeMs,
  };
}
