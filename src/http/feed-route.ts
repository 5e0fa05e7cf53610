// Feed documents, rendered on a cache miss: the subscription feed of a view (all
// articles, a topic, a provider or a category, plus query filters), its pages, and its
// monthly archives (RFC 5005). The request was parsed and the cache asked before this runs.
import type { SiteConfig } from "../config.js";
import { FORMAT_NAMES, FORMATS } from "../feed/formats.js";
import { monthOf, monthRange, startOfMonth } from "../feed/months.js";
import { renderReadable } from "../feed/readable.js";
import type { Filters, PageStart, Position, Selection } from "../feed/select.js";
import { type FeedDocument, type FormatName, feedView, type NavRel } from "../feed/view.js";
import type { ArticleStore } from "../store/store.js";
import type { Rendered } from "./cache.js";
import { HttpProblem, unknownTerm } from "./problem.js";
import { badRequest, type FeedQuery } from "./query.js";
import { type FeedRoute, feedPath, type Scope, scopePath, viewSearch } from "./route.js";

export { KIND_PATHS, scopePath } from "./route.js";

export interface FeedDeps {
  store: ArticleStore;
  /** The clock in epoch milliseconds; tests set it. */
  now: () => number;
}

type Range = { from: number; to: number };
type Nav = Partial<Record<NavRel, string>>;

const notFound = (detail: string) => new HttpProblem(404, "Not Found", detail);

/** The first instant of the month after the one holding `ms`. */
const nextMonthStart = (ms: number) => {
  const date = new Date(ms);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
};

/** An archive month must be over; a month that is not one, or not over, has no archive. */
function archiveRange(month: string, now: number): Range {
  const range = monthRange(month);
  if (!range) throw notFound("Archives are named by month, like 2026-05.");
  if (range.to > startOfMonth(now)) throw notFound(`The month ${month} is not over; it has no archive yet.`);
  return range;
}

async function resolveSubject(store: ArticleStore, scope: Scope | undefined) {
  if (!scope) return undefined;
  const subject = await store.term(scope.kind, scope.slug);
  if (!subject) throw unknownTerm(scope.kind, scope.slug);
  return subject;
}

/** Path scope and query filters as one view; a filter may not contradict the path. */
async function resolveFilters(store: ArticleStore, query: FeedQuery, scope: Scope | undefined): Promise<Filters> {
  const invalid = [];
  for (const name of ["topic", "provider", "category"] as const) {
    const value = query[name];
    if (value !== undefined && !(await store.term(name, value)))
      invalid.push({ name, reason: `there is no ${name} ${value}` });
    if (value !== undefined && scope?.kind === name && name !== "topic" && value !== scope.slug) {
      invalid.push({ name, reason: `contradicts the ${name} of the path, ${scope.slug}` });
    }
  }
  if (invalid.length > 0) throw badRequest(invalid);
  const pick = (name: "provider" | "category") => (scope?.kind === name ? scope.slug : query[name]);
  return {
    topics: [...(scope?.kind === "topic" ? [scope.slug] : []), ...(query.topic ? [query.topic] : [])],
    provider: pick("provider"),
    category: pick("category"),
    type: query.type,
    minQuality: query.minQuality,
  };
}

async function selectItems(
  store: ArticleStore,
  filters: Filters,
  route: FeedRoute,
  range: Range | undefined,
  now: number,
) {
  const { query } = route;
  const selection = range
    ? await store.select({ filters, now, limit: Number.MAX_SAFE_INTEGER, range, paging: false })
    : await store.select({ filters, now, limit: query.limit, before: query.before, paging: true });
  if (range && selection.items.length === 0) throw notFound("This month of the feed holds no articles.");
  if (query.before && selection.items.length === 0) {
    throw notFound("No article of this feed follows this page's position; start again from the first page.");
  }
  return selection;
}

/** Absolute URLs of this view's pages and archives, in any format. */
function urlsOf(site: SiteConfig, route: FeedRoute) {
  const base = site.origin + scopePath(route.scope?.kind, route.scope?.slug);
  return {
    page: (before: Position | undefined, format: FormatName) =>
      site.origin + feedPath({ ...route, month: undefined }, format, before),
    archive: (month: string, format: FormatName) =>
      `${base}/archive/${month}/${FORMATS[format].file}${viewSearch(route.query)}`,
    /** This document in each format. */
    links: Object.fromEntries(
      FORMAT_NAMES.map((f) => [f, site.origin + feedPath(route, f, route.query.before)]),
    ) as Record<FormatName, string>,
    home: `${base}/`,
  };
}

type Urls = ReturnType<typeof urlsOf>;

/**
 * RFC 5005 paging links: keyset cursors both ways, `last` when the view is one index,
 * and from the first page the newest archive, which moves when a month ends.
 */
async function pagingNav(
  store: ArticleStore,
  filters: Filters,
  route: FeedRoute,
  urls: Urls,
  selection: Selection,
  now: number,
) {
  const { format, query } = route;
  const { items, more, previous, last } = selection;
  const at = (start: PageStart) => urls.page(start === "first" ? undefined : start, format);
  const nav: Nav = { first: urls.page(undefined, format) };
  if (previous) nav.previous = at(previous);
  const oldest = items.at(-1);
  if (more && oldest) nav.next = urls.page(oldest, format);
  if (last) nav.last = at(last);
  if (query.before) return { nav };
  const { older } = await store.neighbours(filters, now, startOfMonth(now), now + 1);
  if (older) nav["prev-archive"] = urls.archive(monthOf(older.publishedMs), format);
  return { nav, changesMs: nextMonthStart(now) };
}

/** RFC 5005 archive links: the feed, and the nearest months before and after with articles. */
async function archiveNav(
  store: ArticleStore,
  filters: Filters,
  route: FeedRoute,
  urls: Urls,
  range: Range,
  now: number,
) {
  const { older, newer } = await store.neighbours(filters, now, range.from, range.to);
  const nav: Nav = { current: urls.page(undefined, route.format) };
  if (older) nav["prev-archive"] = urls.archive(monthOf(older.publishedMs), route.format);
  if (newer && newer.publishedMs < startOfMonth(now)) {
    nav["next-archive"] = urls.archive(monthOf(newer.publishedMs), route.format);
    return { nav };
  }
  // The month after may end, or gain its first article, and then needs a link.
  return { nav, changesMs: nextMonthStart(now) };
}

function linkHeader(format: FormatName, links: Record<FormatName, string>, hub: string | undefined): string {
  const parts = FORMAT_NAMES.map(
    (name) => `<${links[name]}>; rel="${name === format ? "self" : "alternate"}"; type="${FORMATS[name].mediaType}"`,
  );
  if (hub) parts.push(`<${hub}>; rel="hub"`);
  return parts.join(", ");
}

function renderDocument(site: SiteConfig, route: FeedRoute, urls: Urls, doc: FeedDocument, selection: Selection) {
  const view = feedView(site, doc, selection.items);
  const { mediaType, render } = FORMATS[route.format];
  return {
    body: route.readable ? renderReadable(view, route.format) : render(view),
    contentType: route.readable ? "text/html; charset=utf-8" : `${mediaType}; charset=utf-8`,
    link: linkHeader(route.format, urls.links, site.hub),
    // Browsers opening a feed get its readable view (see negotiate.ts).
    vary: "Accept, Accept-Encoding, Sec-Fetch-Dest",
  };
}

const earliest = (...times: (number | undefined)[]) => {
  const known = times.filter((t): t is number => t !== undefined);
  return known.length > 0 ? Math.min(...known) : undefined;
};

/** A cache miss of a feed document: resolve terms → select → navigation → render. */
export async function renderFeed(deps: FeedDeps, site: SiteConfig, route: FeedRoute, now: number): Promise<Rendered> {
  const { store } = deps;
  const subject = await resolveSubject(store, route.scope);
  const filters = await resolveFilters(store, route.query, route.scope);
  const range = route.month === undefined ? undefined : archiveRange(route.month, now);
  const selection = await selectItems(store, filters, route, range, now);
  const urls = urlsOf(site, route);
  const { nav, changesMs } = range
    ? await archiveNav(store, filters, route, urls, range, now)
    : await pagingNav(store, filters, route, urls, selection, now);
  const doc: FeedDocument = {
    key: `${scopePath(route.scope?.kind, route.scope?.slug).slice(1) || "all"}${viewSearch(route.query)}`,
    subject: subject?.label,
    homeUrl: urls.home,
    links: urls.links,
    nav,
    archive: range !== undefined,
  };
  return {
    ...renderDocument(site, route, urls, doc, selection),
    newestMs: selection.items[0]?.publishedMs,
    nextChangeMs: earliest(selection.nextChangeMs, changesMs),
  };
}
