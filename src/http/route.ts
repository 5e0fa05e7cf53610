// The first step of every cached view: the request's path and query, parsed into what a
// view is (pure: no store, no clock). Its canonical path names the view in cache keys and
// in every URL the service writes, whatever order or extra parameters a client sent.
import { canonicalOptions, type EmbedOptions, parseEmbedOptions } from "../embed/options.js";
import { FORMAT_NAMES, FORMATS } from "../feed/formats.js";
import type { FormatName } from "../feed/view.js";
import type { TermKind } from "../store/store.js";
import { wantsReadableView } from "./negotiate.js";
import { badRequest, canonicalSearch, DEFAULT_LIMIT, type FeedQuery, parseFeedQuery } from "./query.js";

/** The path segment of each kind of term: `/topics/ai/`, `/providers/nature/`, … */
export const KIND_PATHS = { topic: "topics", provider: "providers", category: "categories" } as const;

const KIND_OF_SEGMENT = new Map<string, TermKind>(
  Object.entries(KIND_PATHS).map(([kind, segment]) => [segment, kind as TermKind]),
);
const FORMAT_OF_FILE = new Map(FORMAT_NAMES.map((name) => [FORMATS[name].file as string, name]));

export function scopePath(kind?: TermKind, slug?: string): string {
  return kind && slug ? `/${KIND_PATHS[kind]}/${encodeURIComponent(slug)}` : "";
}

/** A top feed's window (`window=`): how far back from now its articles may be published. */
export const TOP_WINDOWS = { "1d": 86_400_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000 } as const;
export type TopWindow = keyof typeof TOP_WINDOWS;
export const DEFAULT_WINDOW: TopWindow = "7d";

/** A term named by the path: `/topics/<slug>/…`. */
export interface Scope {
  kind: TermKind;
  slug: string;
}

export interface FeedRoute {
  view: "feed";
  format: FormatName;
  scope?: Scope;
  month?: string;
  /** `/top/…`: the view's best articles by quality over this window, one page. */
  top?: TopWindow;
  query: FeedQuery;
  /** A person opening the feed in a browser tab: the readable HTML view, cached apart. */
  readable: boolean;
}

/** `/embed/…/`: a view's newest articles as a page to frame (src/embed/). */
export interface EmbedRoute {
  view: "embed";
  scope?: Scope;
  query: FeedQuery;
  options: EmbedOptions;
}

export type Route = FeedRoute | EmbedRoute | { view: "home" } | { view: "opml" } | { view: "term"; scope: Scope };

/** A parsed request: the route and its canonical path (the origin left out). */
export interface ViewRequest {
  route: Route;
  path: string;
}

/** A path segment as text; NFC, the form every slug is written in, so any spelling of it finds the term. */
const decode = (segment: string) => {
  try {
    return decodeURIComponent(segment).normalize("NFC");
  } catch {
    return undefined;
  }
};

/** `window=` of a top feed: given once, one of TOP_WINDOWS. */
function parseWindow(params: URLSearchParams): TopWindow {
  const values = params.getAll("window");
  const [value = DEFAULT_WINDOW] = values;
  if (values.length > 1) throw badRequest([{ name: "window", reason: "must be given once" }]);
  if (!Object.hasOwn(TOP_WINDOWS, value)) throw badRequest([{ name: "window", reason: "must be 1d, 7d or 30d" }]);
  return value as TopWindow;
}

/** `top/<file>`: a top feed, one page, so `before` has no place in it. */
function topRoute(file: string, url: URL, headers: Headers, scope?: Scope): FeedRoute | undefined {
  const format = FORMAT_OF_FILE.get(file);
  if (!format) return undefined;
  const query = parseFeedQuery(url.searchParams);
  const top = parseWindow(url.searchParams);
  if (query.before) throw badRequest([{ name: "before", reason: "does not apply: a top feed is one page" }]);
  return { view: "feed", format, scope, top, query, readable: wantsReadableView(headers) };
}

/** Path segments after the scope, e.g. `["archive", "2026-05", "rss.xml"]`, as a route. */
function routeOf(rest: string[], url: URL, headers: Headers, pageSize: number, scope?: Scope): Route | undefined {
  if (rest.length === 1 && rest[0] === "") return scope ? { view: "term", scope } : { view: "home" };
  if (rest.length === 2 && rest[0] === "top") return topRoute(rest[1] ?? "", url, headers, scope);
  const format = FORMAT_OF_FILE.get(rest.at(-1) ?? "");
  if (!format || (rest.length !== 1 && !(rest.length === 3 && rest[0] === "archive"))) return undefined;
  const month = rest.length === 3 ? rest[1] : undefined;
  const query = parseFeedQuery(url.searchParams, pageSize);
  const paging = (["limit", "before"] as const).filter((name) => url.searchParams.has(name));
  if (month !== undefined && paging.length > 0) {
    throw badRequest(paging.map((name) => ({ name, reason: "does not apply: an archive holds its whole month" })));
  }
  return { view: "feed", format, scope, month, query, readable: wantsReadableView(headers) };
}

/** `/embed/` or `/embed/<kind>/<slug>/`, with the feeds' filters and the embed's options. */
function embedRoute(rest: string[], url: URL, pageSize: number): EmbedRoute | undefined {
  const kind = KIND_OF_SEGMENT.get(rest[0] ?? "");
  const slug = kind && rest.length === 3 && rest[2] === "" ? decode(rest[1] ?? "") : undefined;
  if (!(rest.length === 1 && rest[0] === "") && !(kind && slug)) return undefined;
  const query = parseFeedQuery(url.searchParams, pageSize);
  const options = parseEmbedOptions(url.searchParams, query, pageSize);
  return { view: "embed", scope: kind && slug ? { kind, slug } : undefined, query, options };
}

/**
 * The route of a request path (the site's base path already removed), or undefined when the
 * service has nothing there; a bad query throws a 400. `pageSize` is the site's PAGE_SIZE.
 */
export function parseRoute(url: URL, headers: Headers, pageSize = DEFAULT_LIMIT): Route | undefined {
  const segments = url.pathname.split("/").slice(1);
  if (segments.length === 1 && segments[0] === "feeds.opml") return { view: "opml" };
  if (segments[0] === "embed") return embedRoute(segments.slice(1), url, pageSize);
  const kind = KIND_OF_SEGMENT.get(segments[0] ?? "");
  if (!kind) return routeOf(segments, url, headers, pageSize);
  const slug = decode(segments[1] ?? "");
  if (!slug || segments.length < 3) return undefined;
  return routeOf(segments.slice(2), url, headers, pageSize, { kind, slug });
}

/** The canonical path of a feed document: the page of `before`, or an archive month. */
export function feedPath(route: FeedRoute, format: FormatName, before: FeedQuery["before"]): string {
  return feedPaths(route, before)(format);
}

/** The same document in any format: its path and query are built once for all three. */
export function feedPaths(route: FeedRoute, before: FeedQuery["before"]): (format: FormatName) => string {
  const base = scopePath(route.scope?.kind, route.scope?.slug);
  const [prefix, search] =
    route.top !== undefined
      ? [`${base}/top/`, topSearch(route)]
      : route.month !== undefined
        ? [`${base}/archive/${route.month}/`, viewSearch(route.query)]
        : [`${base}/`, canonicalSearch({ ...route.query, before })];
  return (format) => `${prefix}${FORMATS[format].file}${search}`;
}

/** The view's filters without its page: what archives and `current` links carry. */
export const viewSearch = (query: FeedQuery) => canonicalSearch({ ...query, limit: undefined, before: undefined });

/** A top feed's filters and limit, then its window unless it is the default. */
function topSearch(route: FeedRoute): string {
  const search = canonicalSearch({ ...route.query, before: undefined });
  if (route.top === undefined || route.top === DEFAULT_WINDOW) return search;
  return `${search}${search ? "&" : "?"}window=${route.top}`;
}

export function canonicalPath(route: Route): string {
  switch (route.view) {
    case "home":
      return "/";
    case "opml":
      return "/feeds.opml";
    case "term":
      return `${scopePath(route.scope.kind, route.scope.slug)}/`;
    case "embed": {
      const search = [viewSearch(route.query).slice(1), canonicalOptions(route.options)].filter(Boolean).join("&");
      return `/embed${scopePath(route.scope?.kind, route.scope?.slug)}/${search ? `?${search}` : ""}`;
    }
    case "feed":
      return `${route.readable ? "/readable" : ""}${feedPath(route, route.format, route.query.before)}`;
  }
}

export function parseViewRequest(url: URL, headers: Headers, pageSize = DEFAULT_LIMIT): ViewRequest | undefined {
  const route = parseRoute(url, headers, pageSize);
  return route && { route, path: canonicalPath(route) };
}
