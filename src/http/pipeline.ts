// The request path of every cached view, as one straight pipeline: parse the request
// (route.ts, pure) → its cache key (cache.ts) → answer from the cache → only on a miss,
// render the view (resolve terms, select, render). A hit makes no store call.
import type { Context } from "hono";
import type { AppEnv } from "../app-env.js";
import type { SiteConfig } from "../config.js";
import { slugify } from "../content/slug.js";
import { renderEmbed } from "../embed/render.js";
import { answer, type Background, cacheKey, MemoryTier, type Rendered, ViewCache } from "./cache.js";
import { type FeedDeps, renderFeed } from "./feed-route.js";
import { wantsReadableView } from "./negotiate.js";
import { renderOpml } from "./opml.js";
import { renderHome, renderTermPage } from "./pages.js";
import { notFound, unknownTerm } from "./problem.js";
import { ASSET_ALIASES, type Redirect, redirectFor } from "./redirects.js";
import { parseViewRequest, type Route } from "./route.js";
import { IsolateVersion } from "./version.js";

export interface PipelineOptions {
  /** Body bytes the in-isolate tier keeps; 0 turns it off (the benchmarks' misses). */
  cacheBytes?: number;
}

/** Archives never change once their month is over: readers may keep them for long. */
const ARCHIVE_MAX_AGE = 30 * 86_400;

/** How many request URLs the parse memo keeps; it starts again when full. */
const MAX_REMEMBERED = 4096;

function policyOf(route: Route, site: SiteConfig) {
  return route.view === "feed" && route.month !== undefined ? { ...site.cache, maxAge: ARCHIVE_MAX_AGE } : site.cache;
}

function renderView(deps: FeedDeps, site: SiteConfig, route: Route, now: number): Promise<Rendered> {
  switch (route.view) {
    case "feed":
      return renderFeed(deps, site, route, now);
    case "home":
      return renderHome(deps, site, now);
    case "term":
      return renderTermPage(deps, site, route.scope, now);
    case "opml":
      return renderOpml(deps, site, now);
    case "embed":
      return renderEmbed(deps, site, route, now);
  }
}

/** A file of public/ (or its alias, like `/favicon.ico`), through the ASSETS binding; anything else is a 404 problem. */
async function staticAsset(c: Context<AppEnv>, url: URL): Promise<Response> {
  const assets = (c.env as { ASSETS?: Fetcher }).ASSETS;
  const alias = ASSET_ALIASES[url.pathname];
  const request = alias ? new Request(new URL(alias, url), c.req.raw) : c.req.raw;
  const response = assets ? await assets.fetch(request) : undefined;
  if (!response || response.status === 404) return notFound(c);
  // A copy: fetched headers are immutable, and the middleware adds CORS and nosniff.
  return new Response(response.body, response);
}

/** Redirects never change with the content for long: a day, like a browser's heuristic. */
const REDIRECT_CACHE = "public, max-age=86400";

/** A view's slug that is not in its canonical form (`AI` for `ai`): no such term exists as written. */
const oddSlug = (route: Route) =>
  "scope" in route && route.scope !== undefined && slugify(route.scope.slug) !== route.scope.slug;

/** The request's URL as sent, and whether it gets the readable view: all a canonical path depends on. */
const requestId = (request: Request) => (wantsReadableView(request.headers) ? `R${request.url}` : request.url);

/** A parsed request URL: its canonical path, and its cache key under the last settings and version. */
interface Parsed {
  path: string;
  key?: { site: SiteConfig; version: string; value: string };
}

/**
 * The key of a parsed request, built once per settings and content version: a hit looks
 * the in-isolate tier up with the same string, whose hash V8 has already computed.
 */
function keyOf(parsed: Parsed, site: SiteConfig, version: string): string {
  const known = parsed.key;
  if (known?.site === site && known.version === version) return known.value;
  parsed.key = { site, version, value: cacheKey(site, version, parsed.path) };
  return parsed.key.value;
}

export class Pipeline {
  private readonly cache: ViewCache;
  private readonly version: IsolateVersion;
  /** Request URL → what its parse gave, for requests already parsed: the parse step, memoised. */
  private readonly parsed = new Map<string, Parsed>();

  constructor(
    private readonly deps: FeedDeps,
    { cacheBytes }: PipelineOptions = {},
  ) {
    this.cache = new ViewCache(new MemoryTier(cacheBytes));
    this.version = new IsolateVersion(deps.store, deps.now);
  }

  /**
   * The hit path, before any router: a request parsed before, whose entry is fresh in
   * this isolate, is answered from precomputed headers. Anything else is undefined.
   */
  hit(request: Request, site: SiteConfig, ctx: Background): Response | undefined {
    if (request.method !== "GET" && request.method !== "HEAD") return undefined;
    const parsed = this.parsed.get(requestId(request));
    const version = parsed === undefined ? undefined : this.version.peek(ctx);
    if (parsed === undefined || version === undefined) return undefined;
    const now = this.deps.now();
    const entry = this.cache.memory.fresh(keyOf(parsed, site, version), now);
    return entry && answer(request, entry, "HIT", site.cache, now);
  }

  private remember(request: Request, path: string): Parsed {
    const id = requestId(request);
    const known = this.parsed.get(id);
    if (known?.path === path) return known;
    if (this.parsed.size >= MAX_REMEMBERED) this.parsed.clear();
    const parsed: Parsed = { path };
    this.parsed.set(id, parsed);
    return parsed;
  }

  /** A 301 that keeps the query as sent; to a term's page or feed only if the term exists. */
  private async redirect(c: Context<AppEnv>, site: SiteConfig, url: URL, { path, term }: Redirect) {
    if (term && !(await this.deps.store.term(term.kind, term.slug, this.deps.now()))) {
      throw unknownTerm(term.kind, term.asked);
    }
    return c.body(null, 301, { Location: `${site.origin}${path}${url.search}`, "Cache-Control": REDIRECT_CACHE });
  }

  /** The Hono handler of every cached view: parse → key → cache → (miss) render. */
  readonly handler = async (c: Context<AppEnv>) => {
    const request = c.req.raw;
    const url = new URL(request.url);
    const site = c.var.site;
    const view = parseViewRequest(url, request.headers, site.pageSize);
    // Only on the way to a 404 (no view here, or a slug no term has): hits never get here.
    const redirect = !view || oddSlug(view.route) ? redirectFor(url.pathname) : undefined;
    if (redirect) return this.redirect(c, site, url, redirect);
    if (!view) return staticAsset(c, url);
    const parsed = this.remember(request, view.path);
    const version = await this.version.get(c.executionCtx);
    const now = this.deps.now();
    return this.cache.serve(request, c.executionCtx, {
      key: keyOf(parsed, site, version),
      now,
      policy: policyOf(view.route, site),
      render: () => renderView(this.deps, site, view.route, now),
    });
  };
}
