// The embed routes: the <feed-list> script and the iframe pages, registered in one call
// so that app.ts carries a single line for them.
import type { Context, Hono } from "hono";
import type { AppEnv } from "../app-env.js";
import type { TermKind } from "../feed/select.js";
import { serveCached } from "../http/cache.js";
import { type FeedDeps, KIND_PATHS, resolveFilters, scopePath } from "../http/feed-route.js";
import { unknownTerm } from "../http/problem.js";
import { canonicalSearch, parseFeedQuery } from "../http/query.js";
import { canonicalOptions, parseEmbedOptions } from "./options.js";
import { EMBED_PAGE_CSP, renderEmbedPage } from "./page.js";
import { SCRIPT_VERSION, STABLE_CACHE_CONTROL, scriptHandler, VERSIONED_CACHE_CONTROL } from "./script.js";

export function embedRoutes(app: Hono<AppEnv>, deps: FeedDeps): void {
  app.get("/embed.js", scriptHandler(STABLE_CACHE_CONTROL));
  app.get(`/embed.${SCRIPT_VERSION}.js`, scriptHandler(VERSIONED_CACHE_CONTROL));
  app.get("/embed/", embedPage(deps));
  for (const [kind, segment] of Object.entries(KIND_PATHS) as [TermKind, string][]) {
    app.get(`/embed/${segment}/:slug/`, embedPage(deps, kind));
  }
}

/** /embed/<view>/: the view's newest articles as a page to frame, cached like its feed. */
function embedPage(deps: FeedDeps, kind?: TermKind) {
  return async (c: Context<AppEnv>) => {
    const site = c.var.site;
    const slug = c.req.param("slug");
    const params = new URL(c.req.url).searchParams;
    const query = parseFeedQuery(params);
    const options = parseEmbedOptions(params, query);
    const now = deps.now();
    const subject = kind && slug ? await deps.store.term(kind, slug) : undefined;
    if (kind && slug && !subject) throw unknownTerm(kind, slug);
    const filters = await resolveFilters(deps.store, query, kind, slug);

    const scope = scopePath(kind, slug);
    const viewSearch = canonicalSearch({ ...query, limit: undefined, before: undefined });
    const search = [viewSearch.slice(1), canonicalOptions(options)].filter(Boolean).join("&");
    const feedUrl = `${site.origin}${scope}/feed.json${viewSearch}`;
    const version = await deps.store.version();
    const response = await serveCached(c, {
      key: `${site.origin}/_cache/${version}/embed${scope}/${search ? `?${search}` : ""}`,
      now,
      policy: site.cache,
      render: async () => {
        const selection = await deps.store.select({ filters, now, limit: options.limit });
        const body = await renderEmbedPage(site, {
          title: subject ? `${subject.label} — ${site.title}` : site.title,
          homeUrl: `${site.origin}${scope}/`,
          hide: options.hide,
          items: selection.items,
        });
        return {
          body,
          contentType: "text/html; charset=utf-8",
          lastModifiedMs: selection.items[0]?.publishedMs,
          nextChangeMs: selection.nextChangeMs,
          link: `<${feedUrl}>; rel="alternate"; type="application/feed+json"`,
        };
      },
    });
    response.headers.set("Content-Security-Policy", EMBED_PAGE_CSP);
    return response;
  };
}
