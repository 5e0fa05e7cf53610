// Feed documents: the subscription feed of a view (all articles, a topic, a provider or
// a category, plus query filters), its pages, and its monthly archives (RFC 5005).
import type { Context } from "hono";
import type { AppEnv } from "../app-env.js";
import { FORMAT_NAMES, FORMATS } from "../feed/formats.js";
import { monthOf, monthRange, startOfMonth } from "../feed/months.js";
import { renderReadable } from "../feed/readable.js";
import type { Filters, PageStart, Position, Selection, TermKind } from "../feed/select.js";
import { type FeedDocument, type FormatName, feedView, type NavRel } from "../feed/view.js";
import type { ArticleStore } from "../store/store.js";
import { serveCached } from "./cache.js";
import { wantsReadableView } from "./negotiate.js";
import { HttpProblem, unknownTerm } from "./problem.js";
import { badRequest, canonicalSearch, type FeedQuery, parseFeedQuery } from "./query.js";

export interface FeedDeps {
  store: ArticleStore;
  /** The clock in epoch milliseconds; tests set it. */
  now: () => number;
}

/** The path segment of each kind of term: `/topics/ai/`, `/providers/nature/`, … */
export const KIND_PATHS = { topic: "topics", provider: "providers", category: "categories" } as const;

/** Archives never change once their month is over: readers may keep them for long. */
const ARCHIVE_MAX_AGE = 30 * 86_400;

export function scopePath(kind?: TermKind, slug?: string): string {
  return kind && slug ? `/${KIND_PATHS[kind]}/${encodeURIComponent(slug)}` : "";
}

const notFound = (detail: string) => new HttpProblem(404, "Not Found", detail);

/** Path scope and query filters as one view; a filter may not contradict the path. */
async function resolveFilters(store: ArticleStore, query: FeedQuery, kind?: TermKind, slug?: string): Promise<Filters> {
  const invalid = [];
  for (const name of ["topic", "provider", "category"] as const) {
    const value = query[name];
    if (value !== undefined && !(await store.term(name, value)))
      invalid.push({ name, reason: `there is no ${name} ${value}` });
    if (value !== undefined && kind === name && name !== "topic" && value !== slug) {
      invalid.push({ name, reason: `contradicts the ${name} of the path, ${slug}` });
    }
  }
  if (invalid.length > 0) throw badRequest(invalid);
  const pick = (name: "provider" | "category") => (kind === name ? slug : query[name]);
  return {
    topics: [...(kind === "topic" && slug ? [slug] : []), ...(query.topic ? [query.topic] : [])],
    provider: pick("provider"),
    category: pick("category"),
    type: query.type,
    minQuality: query.minQuality,
  };
}

/** The embed pages (src/embed/) resolve their views the same way. */
export { resolveFilters };

function linkHeader(format: FormatName, links: Record<FormatName, string>, hub: string | undefined): string {
  const parts = FORMAT_NAMES.map(
    (name) => `<${links[name]}>; rel="${name === format ? "self" : "alternate"}"; type="${FORMATS[name].mediaType}"`,
  );
  if (hub) parts.push(`<${hub}>; rel="hub"`);
  return parts.join(", ");
}

interface DocumentUrls {
  /** The page after `before`, or the first page. */
  page: (before: Position | undefined, format: FormatName) => string;
  archive: (month: string, format: FormatName) => string;
}

/**
 * RFC 5005 paging links of the page after `before` (the first page without it): keyset
 * cursors both ways, `last` when the view is one index, and the newest archive from the
 * first page.
 */
async function pagingNav(
  deps: FeedDeps,
  filters: Filters,
  now: number,
  format: FormatName,
  urls: DocumentUrls,
  before: Position | undefined,
  { items, more, previous, last }: Selection,
) {
  const at = (start: PageStart) => urls.page(start === "first" ? undefined : start, format);
  const nav: Partial<Record<NavRel, string>> = { first: urls.page(undefined, format) };
  if (previous) nav.previous = at(previous);
  const oldest = items.at(-1);
  if (more && oldest) nav.next = urls.page(oldest, format);
  if (last) nav.last = at(last);
  if (!before) {
    const { older } = await deps.store.neighbours(filters, now, startOfMonth(now), now + 1);
    if (older) nav["prev-archive"] = urls.archive(monthOf(older.publishedMs), format);
  }
  return nav;
}

/** RFC 5005 archive links: the feed itself, and the nearest months before and after with articles. */
async function archiveNav(
  deps: FeedDeps,
  filters: Filters,
  now: number,
  format: FormatName,
  urls: DocumentUrls,
  range: { from: number; to: number },
) {
  const { older, newer } = await deps.store.neighbours(filters, now, range.from, range.to);
  const nav: Partial<Record<NavRel, string>> = { current: urls.page(undefined, format) };
  if (older) nav["prev-archive"] = urls.archive(monthOf(older.publishedMs), format);
  if (newer && newer.publishedMs < startOfMonth(now))
    nav["next-archive"] = urls.archive(monthOf(newer.publishedMs), format);
  return nav;
}

/** The handler of one format's documents; `kind` when the route is a topic's, provider's or category's. */
export function feedHandler(format: FormatName, deps: FeedDeps, kind?: TermKind) {
  const { mediaType, render } = FORMATS[format];
  return async (c: Context<AppEnv>) => {
    const site = c.var.site;
    const { slug, month } = c.req.param() as { slug?: string; month?: string };
    const query = parseFeedQuery(new URL(c.req.url).searchParams);
    const now = deps.now();
    const subject = kind && slug ? await deps.store.term(kind, slug) : undefined;
    if (kind && slug && !subject) throw unknownTerm(kind, slug);
    const filters = await resolveFilters(deps.store, query, kind, slug);
    const range = month === undefined ? undefined : archiveRange(month, now);
    const paging = (["limit", "before"] as const).filter((name) => c.req.query(name) !== undefined);
    if (range && paging.length > 0) {
      throw badRequest(paging.map((name) => ({ name, reason: "does not apply: an archive holds its whole month" })));
    }

    const base = site.origin + scopePath(kind, slug);
    const viewSearch = canonicalSearch({ ...query, limit: undefined, before: undefined });
    const pageSearch = canonicalSearch(query);
    const urls: DocumentUrls = {
      page: (before, f) =>
        `${base}/${FORMATS[f].file}${before === query.before ? pageSearch : canonicalSearch({ ...query, before })}`,
      archive: (m, f) => `${base}/archive/${m}/${FORMATS[f].file}${viewSearch}`,
    };
    const links = Object.fromEntries(
      FORMAT_NAMES.map((f) => [f, month ? urls.archive(month, f) : urls.page(query.before, f)]),
    ) as Record<FormatName, string>;

    // A person opening the feed in a browser gets the readable view, cached apart from it.
    const readable = wantsReadableView(c.req.raw.headers);
    const version = await deps.store.version();
    return serveCached(c, {
      key: `${site.origin}/_cache/${version}${readable ? "/readable" : ""}${links[format].slice(site.origin.length)}`,
      now,
      policy: range ? { ...site.cache, maxAge: ARCHIVE_MAX_AGE } : site.cache,
      render: async () => {
        const selection = await deps.store.select({
          filters,
          now,
          limit: range ? Number.MAX_SAFE_INTEGER : query.limit,
          before: range ? undefined : query.before,
          range,
          paging: !range,
        });
        if (range && selection.items.length === 0) throw notFound("This month of the feed holds no articles.");
        if (query.before && selection.items.length === 0) {
          throw notFound("No article of this feed follows this page's position; start again from the first page.");
        }
        const doc: FeedDocument = {
          key: `${scopePath(kind, slug).slice(1) || "all"}${viewSearch}`,
          subject: subject?.label,
          homeUrl: `${base}/`,
          links,
          nav: range
            ? await archiveNav(deps, filters, now, format, urls, range)
            : await pagingNav(deps, filters, now, format, urls, query.before, selection),
          archive: range !== undefined,
        };
        const view = feedView(site, doc, selection.items);
        return {
          body: readable ? renderReadable(view, format) : render(view),
          contentType: readable ? "text/html; charset=utf-8" : `${mediaType}; charset=utf-8`,
          lastModifiedMs: selection.items[0]?.publishedMs,
          nextChangeMs: selection.nextChangeMs,
          link: linkHeader(format, links, site.hub),
        };
      },
    });
  };
}

/** An archive month must be over; a month that is not one, or not over, has no archive. */
function archiveRange(month: string, now: number) {
  const range = monthRange(month);
  if (!range) throw notFound("Archives are named by month, like 2026-05.");
  if (range.to > startOfMonth(now)) throw notFound(`The month ${month} is not over; it has no archive yet.`);
  return range;
}
