// Feed documents, rendered on a cache miss: the subscription feed of a view (all
// articles, a topic, a provider or a category, plus query filters), its pages, and its
// monthly archives (RFC 5005). The request was parsed and the cache asked before this runs.
import type { SiteConfig } from "../config.js";
import { itemsWithinBudget } from "../feed/budget.js";
import { FORMAT_NAMES, FORMATS } from "../feed/formats.js";
import { monthOf, monthRange, startOfMonth, startOfNextMonth } from "../feed/months.js";
import { type FeedDocument, type FormatName, feedView, type NavRel } from "../feed/view.js";
import type {
  ArticleStore,
  FeedAnswer,
  Filters,
  Neighbours,
  PageStart,
  Position,
  Selection,
  SelectQuery,
  TermKind,
} from "../store/store.js";
import type { Rendered } from "./cache.js";
import { HttpProblem, unknownTerm } from "./problem.js";
import { badRequest, type FeedQuery } from "./query.js";
import { renderReadable } from "./readable.js";
import {
  type FeedRoute,
  feedPath,
  feedPaths,
  type Scope,
  scopePath,
  TOP_WINDOWS,
  type TopWindow,
  viewSearch,
} from "./route.js";

export { KIND_PATHS, scopePath } from "./route.js";

export interface FeedDeps {
  store: ArticleStore;
  /** The clock in epoch milliseconds; tests set it. */
  now: () => number;
}

type Range = { from: number; to: number };
type Nav = Partial<Record<NavRel, string>>;

const notFound = (detail: string) => new HttpProblem(404, "Not Found", detail);

/** An archive month must be over; a month that is not one, or not over, has no archive. */
function archiveRange(month: string, now: number): Range {
  const range = monthRange(month);
  if (!range) throw notFound("Archives are named by month, like 2026-05.");
  if (range.to > startOfMonth(now)) throw notFound(`The month ${month} is not over; it has no archive yet.`);
  return range;
}

/** Path scope and query filters as one view. */
function viewFilters(query: FeedQuery, scope: Scope | undefined): Filters {
  const pick = (name: "provider" | "category") => (scope?.kind === name ? scope.slug : query[name]);
  return {
    topics: [...(scope?.kind === "topic" ? [scope.slug] : []), ...(query.topic ? [query.topic] : [])],
    provider: pick("provider"),
    category: pick("category"),
    type: query.type,
    minQuality: query.minQuality,
    q: query.q,
    exclude: query.exclude,
  };
}

type Named = { kind: TermKind; slug: string; name?: "topic" | "provider" | "category" };

/** The terms a view names: the path's first (its subject), then the query's. */
function namedTerms(query: FeedQuery, scope: Scope | undefined): Named[] {
  const terms: Named[] = scope ? [{ kind: scope.kind, slug: scope.slug }] : [];
  for (const name of ["topic", "provider", "category"] as const) {
    const value = query[name];
    if (value !== undefined) terms.push({ kind: name, slug: value, name });
  }
  return terms;
}

/**
 * The path's term must exist (404), the query's must exist and not contradict the path
 * (400, all named at once). A term exists once one of its articles is visible.
 */
function checkTerms(answer: FeedAnswer, named: Named[], query: FeedQuery, scope: Scope | undefined) {
  if (scope && !answer.terms[0]) throw unknownTerm(scope.kind, scope.slug);
  const invalid = [];
  for (const [i, term] of named.entries()) {
    if (term.name && !answer.terms[i])
      invalid.push({ name: term.name, reason: `there is no ${term.name} ${term.slug}` });
  }
  for (const name of ["provider", "category"] as const) {
    const value = query[name];
    if (value !== undefined && scope?.kind === name && value !== scope.slug) {
      invalid.push({ name, reason: `contradicts the ${name} of the path, ${scope.slug}` });
    }
  }
  if (invalid.length > 0) throw badRequest(invalid);
}

/** A top feed's articles: published within the window up to now, best first, one page. */
function topSelect(filters: Filters, top: TopWindow, limit: number, now: number): SelectQuery {
  const range = { from: now - TOP_WINDOWS[top] + 1, to: now + 1 };
  return { filters, now, limit, range, paging: false, order: "quality" };
}

/** Terms, page and archive neighbours of a document: one store call, one D1 round trip. */
async function askStore(
  store: ArticleStore,
  route: FeedRoute,
  range: Range | undefined,
  now: number,
  pageSize: number,
) {
  const { query, scope, top } = route;
  const named = namedTerms(query, scope);
  const filters = viewFilters(query, scope);
  const answer = await store.feed({
    terms: named,
    select: top
      ? topSelect(filters, top, query.limit ?? pageSize, now)
      : range
        ? { filters, now, limit: Number.MAX_SAFE_INTEGER, range, paging: false }
        : { filters, now, limit: query.limit ?? pageSize, before: query.before, paging: true },
    neighbours: range
      ? { before: range.from, after: range.to }
      : query.before || top
        ? undefined
        : { before: startOfMonth(now), after: now + 1 },
  });
  checkTerms(answer, named, query, scope);
  const { selection } = answer;
  if (range && selection.items.length === 0) throw notFound("This month of the feed holds no articles.");
  if (query.before && selection.items.length === 0) {
    throw notFound("No article of this feed follows this page's position; start again from the first page.");
  }
  return { ...answer, subject: scope ? answer.terms[0] : undefined };
}

/**
 * The newest `limit` articles of a view and its subject, checked like a feed's terms: what
 * the embed pages (src/embed/) show, in the same single store call.
 */
export async function newestOfView(
  store: ArticleStore,
  scope: Scope | undefined,
  query: FeedQuery,
  limit: number,
  now: number,
) {
  const route: FeedRoute = {
    view: "feed",
    format: "json",
    scope,
    query: { ...query, limit, before: undefined },
    readable: false,
  };
  const { selection, subject } = await askStore(store, route, undefined, now, limit);
  return { items: selection.items, nextChangeMs: selection.nextChangeMs, subject };
}

/** Absolute URLs of this view's pages and archives, in any format. */
function urlsOf(site: SiteConfig, route: FeedRoute) {
  const base = site.origin + scopePath(route.scope?.kind, route.scope?.slug);
  const self = feedPaths(route, route.query.before);
  return {
    page: (before: Position | undefined, format: FormatName) =>
      site.origin + feedPath({ ...route, month: undefined }, format, before),
    archive: (month: string, format: FormatName) =>
      `${base}/archive/${month}/${FORMATS[format].file}${viewSearch(route.query)}`,
    /** This document in each format. */
    links: Object.fromEntries(FORMAT_NAMES.map((f) => [f, site.origin + self(f)])) as Record<FormatName, string>,
    home: `${base}/`,
  };
}

type Urls = ReturnType<typeof urlsOf>;

/**
 * RFC 5005 paging links: keyset cursors both ways, `last` when the view is one index,
 * and from the first page the newest archive, which moves when a month ends.
 */
function pagingNav({ older }: Neighbours, route: FeedRoute, urls: Urls, selection: Selection, now: number) {
  const { format, query } = route;
  const { items, more, previous, last } = selection;
  const at = (start: PageStart) => urls.page(start === "first" ? undefined : start, format);
  const nav: Nav = { first: urls.page(undefined, format) };
  if (previous) nav.previous = at(previous);
  const oldest = items.at(-1);
  if (more && oldest) nav.next = urls.page(oldest, format);
  if (last) nav.last = at(last);
  if (query.before) return { nav };
  if (older) nav["prev-archive"] = urls.archive(monthOf(older.publishedMs), format);
  return { nav, changesMs: startOfNextMonth(now) };
}

/** RFC 5005 archive links: the feed, and the nearest months before and after with articles. */
function archiveNav({ older, newer }: Neighbours, route: FeedRoute, urls: Urls, now: number) {
  const nav: Nav = { current: urls.page(undefined, route.format) };
  if (older) nav["prev-archive"] = urls.archive(monthOf(older.publishedMs), route.format);
  if (newer && newer.publishedMs < startOfMonth(now)) {
    nav["next-archive"] = urls.archive(monthOf(newer.publishedMs), route.format);
    return { nav };
  }
  // The month after may end, or gain its first article, and then needs a link.
  return { nav, changesMs: startOfNextMonth(now) };
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
  const feed = route.readable ? undefined : render(view);
  return {
    body: feed ? feed.bytes : renderReadable(view, route.format, route.month),
    etag: feed?.etag,
    contentType: route.readable ? "text/html; charset=utf-8" : `${mediaType}; charset=utf-8`,
    link: linkHeader(route.format, urls.links, site.hub),
    // Browsers opening a feed get its readable view (see negotiate.ts).
    vary: "Accept, Accept-Encoding, Sec-Fetch-Dest",
  };
}

/**
 * A page cut to the byte budget (src/feed/budget.ts), measured in the format's own memoised
 * items, which the render then reuses: fewer items when they are large, and `more` set so
 * that the `next` link carries on after the last one shown. Archives hold their whole month.
 */
function withinBudget(site: SiteConfig, route: FeedRoute, urls: Urls, selection: Selection): Selection {
  const { item } = FORMATS[route.format];
  const measure = feedView(site, { key: "", homeUrl: urls.home, links: urls.links, nav: {}, archive: false }, []);
  const count = itemsWithinBudget(selection.items.map((article) => item(measure, article).bytes.byteLength));
  return count < selection.items.length
    ? { ...selection, items: selection.items.slice(0, count), more: true }
    : selection;
}

const earliest = (...times: (number | undefined)[]) => {
  const known = times.filter((t): t is number => t !== undefined);
  return known.length > 0 ? Math.min(...known) : undefined;
};

/**
 * A top feed has no pages or archives. It changes by itself when one of its articles
 * leaves the window (those off the page change nothing by leaving), or a scheduled one
 * enters it (the selection's nextChangeMs).
 */
function topNav(top: TopWindow, { items }: Selection) {
  const leaves = items.map((item) => item.publishedMs + TOP_WINDOWS[top]);
  return { nav: {}, changesMs: leaves.length > 0 ? Math.min(...leaves) : undefined };
}

/** A top feed's title without its term: "Top articles of the last 7 days". */
export const topSubject = (top: TopWindow) =>
  `Top articles of the last ${top === "1d" ? "day" : `${top.slice(0, -1)} days`}`;

/** What a feed is about: its term, and for a top feed the window. */
function subjectOf(route: FeedRoute, label: string | undefined): string | undefined {
  if (route.top === undefined) return label;
  const best = topSubject(route.top);
  return label ? `${label}: ${best.toLowerCase()}` : best;
}

/** The feed's identity in its id: its scope, top window and filters, never its page or limit. */
function documentKey(route: FeedRoute): string {
  const scope = scopePath(route.scope?.kind, route.scope?.slug).slice(1) || "all";
  return `${scope}${route.top ? `/top/${route.top}` : ""}${viewSearch(route.query)}`;
}

/** A cache miss of a feed document: resolve terms → select → navigation → render. */
export async function renderFeed(deps: FeedDeps, site: SiteConfig, route: FeedRoute, now: number): Promise<Rendered> {
  const range = route.month === undefined ? undefined : archiveRange(route.month, now);
  const answer = await askStore(deps.store, route, range, now, site.pageSize);
  const { subject, neighbours } = answer;
  const urls = urlsOf(site, route);
  // Archives hold their whole month; a paged or top page holds what fits the byte budget.
  const selection = range ? answer.selection : withinBudget(site, route, urls, answer.selection);
  const { nav, changesMs } = route.top
    ? topNav(route.top, selection)
    : range
      ? archiveNav(neighbours, route, urls, now)
      : pagingNav(neighbours, route, urls, selection, now);
  const doc: FeedDocument = {
    key: documentKey(route),
    subject: subjectOf(route, subject?.label),
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
