// Where articles live at runtime, and the contract both stores keep: handlers and
// renderers see only this interface and these types.
import type { Article, Term } from "../content/article.js";

/** A place in the feeds' order: what keyset paging keeps between pages. */
export interface Position {
  publishedMs: number;
  id: string;
}

/** Where a page starts: after a position, or at the top of the feed. */
export type PageStart = Position | "first";

export type TermKind = "topic" | "provider" | "category";

export interface Filters {
  /** Every topic slug listed must be among the article's topics. */
  topics: string[];
  provider?: string;
  category?: string;
  type?: string;
  minQuality?: number;
}

export interface SelectQuery {
  filters: Filters;
  /** The clock: articles dated after it are scheduled, not visible. */
  now: number;
  limit: number;
  /** Keyset paging: only the articles after this position in feed order. */
  before?: Position;
  /** Only articles published in [from, to), e.g. one month of an archive. */
  range?: { from: number; to: number };
  /** Also find where the previous and the last page start (a feed's page, not an archive). */
  paging?: boolean;
  /** `total` is wanted (a store may skip counting otherwise). */
  count?: boolean;
}

export interface Selection {
  items: Article[];
  /**
   * How many visible articles match, across all pages: given with `count` when the view is
   * one index (the bundled index always gives it, for free); absent with predicate filters,
   * which would need a full scan.
   */
  total?: number;
  /** Whether matching articles follow this page. */
  more: boolean;
  /** With `paging` and `before`: where the page before this one starts; absent when none is newer. */
  previous?: PageStart;
  /** With `paging`, when the view is one index: where the oldest page starts. */
  last?: PageStart;
  /** When the next scheduled article of this view becomes visible, if ever. */
  nextChangeMs?: number;
}

export interface TermSummary extends Term {
  kind: TermKind;
  /** Visible articles. */
  count: number;
  /** The newest visible article's time. */
  newest?: string;
}

/** What the home page and the OPML list show at a moment. */
export interface Catalog {
  /** Every visible topic, provider and category, by label. */
  terms: TermSummary[];
  /** Visible articles in the main feed. */
  total: number;
  /** The newest visible article's time. */
  newest?: string;
  /** When the next scheduled article becomes visible: every count and list may change then. */
  nextChangeMs?: number;
  /** The newest visible articles of the main feed, newest first, as many as asked (none by default). */
  latest?: Article[];
}

export interface Neighbours {
  older?: Article;
  newer?: Article;
}

/**
 * Everything one feed document needs from the store, asked at once so that a store
 * with a network between it and the Worker (D1) answers it in one round trip.
 */
export interface FeedRequest {
  /** Terms the view names (path and query); each comes back only if visible at `select.now`. */
  terms: { kind: TermKind; slug: string }[];
  select: SelectQuery;
  /** Also the nearest articles before `before` and from `after` on (archive links). */
  neighbours?: { before: number; after: number };
}

export interface FeedAnswer {
  /** In the order asked; undefined for a term that does not exist or has no visible article yet. */
  terms: (Term | undefined)[];
  selection: Selection;
  neighbours: Neighbours;
}

/** Where the WebSub cron left off: the clock of its last run and the content it saw then. */
export interface ChangeMarker {
  ms: number;
  /** The store's own mark of the content (a version, or the last push's number). */
  content: string;
}

/** A subscription feed (all articles when `kind` is absent) and when it last changed. */
export interface ChangedView {
  kind?: TermKind;
  slug?: string;
  changedMs: number;
}

/**
 * A store cannot answer now (D1 failed or timed out). Its own class, not an HTTP one:
 * the app's one `onError` maps it to a 503 with Retry-After.
 */
export class StoreUnavailable extends Error {
  override readonly name = "StoreUnavailable";
  constructor(
    readonly what: string,
    options?: { cause?: unknown },
  ) {
    super(`the article store is unavailable (${what})`, options);
  }
}

/**
 * Every term, in every query, exists only from the moment its first article becomes
 * visible: an embargoed article's topics, provider and category are as private as its
 * title until then.
 */
export interface ArticleStore {
  /** Identifies the content; changes whenever any response could change. */
  version(): Promise<string>;
  /** A page of the visible articles matching a view. */
  select(query: SelectQuery): Promise<Selection>;
  /** A feed document's terms, page and neighbours, in one call. */
  feed(request: FeedRequest): Promise<FeedAnswer>;
  /** The nearest matching visible articles before `before` and from `after` on. */
  neighbours(filters: Filters, now: number, before: number, after: number): Promise<Neighbours>;
  /** A topic, provider or category by slug, if one of its articles is visible at `now`. */
  term(kind: TermKind, slug: string, now: number): Promise<Term | undefined>;
  /**
   * Every visible topic, provider and category, with the main feed's count and next
   * change, and its `latest` newest visible articles, in one call.
   */
  catalog(now: number, latest?: number): Promise<Catalog>;
  /**
   * The subscription feeds (every visible term's, and the main one) whose first page may
   * have changed since `since`, most recently changed first; every one when `since` is
   * undefined or from other content. With the marker to pass next time.
   */
  changes(since: ChangeMarker | undefined, now: number): Promise<{ views: ChangedView[]; marker: ChangeMarker }>;
}
