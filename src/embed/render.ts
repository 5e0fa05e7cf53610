// The iframe page of an embed view, rendered on a cache miss: the view's newest articles.
// The request was parsed (http/route.ts) and the cache asked before this runs.
import type { SiteConfig } from "../config.js";
import type { Rendered } from "../http/cache.js";
import { type FeedDeps, newestOfView } from "../http/feed-route.js";
import { type EmbedRoute, scopePath, viewSearch } from "../http/route.js";
import { EMBED_PAGE_CSP, renderEmbedPage } from "./page.js";

export async function renderEmbed(deps: FeedDeps, site: SiteConfig, route: EmbedRoute, now: number): Promise<Rendered> {
  const { scope, query, options } = route;
  const selection = await newestOfView(deps.store, scope, query, options.limit, now);
  const { subject } = selection;
  const path = scopePath(scope?.kind, scope?.slug);
  const body = await renderEmbedPage(site, {
    title: subject ? `${subject.label} — ${site.title}` : site.title,
    homeUrl: `${site.origin}${path}/`,
    hide: options.hide,
    items: selection.items,
  });
  return {
    body,
    contentType: "text/html; charset=utf-8",
    newestMs: selection.items[0]?.publishedMs,
    nextChangeMs: selection.nextChangeMs,
    link: `<${site.origin}${path}/feed.json${viewSearch(query)}>; rel="alternate"; type="application/feed+json"`,
    csp: EMBED_PAGE_CSP,
  };
}
