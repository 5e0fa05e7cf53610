// The D1 store: articles in Cloudflare D1 (migrations/), for corpora too large for the
// bundle. Same interface and same results as the bundled store; each query is an index
// range, ordered like the feeds (newest first, ties by id), with the clock as a parameter.
import type { Article, Term } from "../content/article.js";
import type { Filters, PageStart, Position, Selection, SelectQuery, TermKind, TermSummary } from "../feed/select.js";
import { HttpProblem } from "../http/problem.js";
import type { ArticleStore } from "./store.js";

/** How long an isolate trusts the content version it read: the freshness window of a push. */
export const VERSION_TTL_MS = 30_000;

/** D1 failed or timed out: a 503 the client may retry, never a 500 with a stack. */
export class StoreUnavailable extends HttpProblem {
  constructor(cause: unknown) {
    super(503, "Service Unavailable", "The article store is unavailable; try again shortly.", {
      headers: { "Retry-After": "30" },
    });
    this.cause = cause;
  }
}

interface Condition {
  /** The table rows come from: a topic's rows drive the scan when there is a topic. */
  from: string;
  where: string[];
  params: unknown[];
  /** Newest first, ties by id, in the columns of the driving index (no sort step). */
  order: string;
  /** The driving index's time and id columns. */
  ms: string;
  id: string;
}

/** FROM and WHERE for the articles of a view published in [from, upTo]. */
function condition(filters: Filters, from: number, upTo: number): Condition {
  const [first, ...others] = filters.topics;
  const where = ["a.published_ms >= ?", "a.published_ms <= ?"];
  const params: unknown[] = [from, upTo];
  let table = "articles a";
  if (first !== undefined) {
    table = "article_topics t JOIN articles a ON a.id = t.article_id";
    where.unshift("t.topic_slug = ?", "t.published_ms >= ?", "t.published_ms <= ?");
    params.unshift(first, from, upTo);
  }
  for (const slug of others) {
    where.push("EXISTS (SELECT 1 FROM article_topics x WHERE x.article_id = a.id AND x.topic_slug = ?)");
    params.push(slug);
  }
  const equal = (column: string, value: unknown) => {
    if (value === undefined) return;
    where.push(`${column} = ?`);
    params.push(value);
  };
  equal("a.provider_slug", filters.provider);
  equal("a.category_slug", filters.category);
  equal("a.type", filters.type);
  if (filters.minQuality !== undefined) {
    where.push("COALESCE(a.quality, 0) >= ?");
    params.push(filters.minQuality);
  }
  const [ms, id] = first === undefined ? ["a.published_ms", "a.id"] : ["t.published_ms", "t.article_id"];
  return { from: table, where, params, order: `${ms} DESC, ${id} ASC`, ms, id };
}

/**
 * Keyset paging: keeps the rows after `position` in feed order ("after"), or the rows
 * up to and including it ("through"). The time bound is already in `condition`'s range,
 * so the index seeks straight to the position; this sorts out the rows of its own time.
 */
function beyond(where: Condition, position: Position, side: "after" | "through"): Condition {
  return {
    ...where,
    where: [...where.where, `NOT (${where.ms} = ? AND ${where.id} ${side === "after" ? "<=" : ">"} ?)`],
    params: [...where.params, position.publishedMs, position.id],
  };
}

const resultRows = <T>(result: D1Result | undefined): T[] => (result?.results ?? []) as T[];

/** The one row an aggregate query always returns. */
function firstRow<T>(result: D1Result | undefined): T {
  const [row] = resultRows<T>(result);
  if (row === undefined) throw new Error("D1 returned no row for an aggregate query");
  return row;
}

/** A page starts after the row found, or at the top when there is none. */
const pageStart = (row: Position | undefined): PageStart =>
  row ? { publishedMs: row.publishedMs, id: row.id } : "first";

const reversed = (order: string) => order.replace(/DESC|ASC/g, (way) => (way === "DESC" ? "ASC" : "DESC"));

const sql = ({ from, where }: Condition) => `FROM ${from} WHERE ${where.join(" AND ")}`;

/** The view_counts key of a view that is one index, or undefined when predicates remain. */
function viewKey(filters: Filters): string | undefined {
  const parts = [
    ...filters.topics.map((slug) => `topic:${slug}`),
    ...(filters.provider === undefined ? [] : [`provider:${filters.provider}`]),
    ...(filters.category === undefined ? [] : [`category:${filters.category}`]),
  ];
  if (filters.type !== undefined || filters.minQuality !== undefined || parts.length > 1) return undefined;
  return parts[0] ?? "all";
}

const KIND_SQL: Record<TermKind, { table: string; column: string }> = {
  topic: { table: "article_topics", column: "topic_slug" },
  provider: { table: "articles", column: "provider_slug" },
  category: { table: "articles", column: "category_slug" },
};

export interface D1StoreOptions {
  /** The clock of the version's re-read interval; tests set it. */
  clock?: () => number;
  /**
   * The deployed code's version, joined to the content's in the cache key: the database
   * knows only what was pushed, and a deploy that renders differently must not be
   * answered with bytes the old code cached.
   */
  codeVersion?: string;
}

export class D1Store implements ArticleStore {
  private known?: { version: string; readAt: number };
  private readonly clock: () => number;
  private readonly codeVersion: string;

  constructor(
    private readonly db: D1Database,
    { clock = Date.now, codeVersion = "" }: D1StoreOptions = {},
  ) {
    this.clock = clock;
    this.codeVersion = codeVersion;
  }

  /** Runs a query; any D1 failure becomes StoreUnavailable. */
  private async run<T>(query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (error) {
      throw error instanceof HttpProblem ? error : new StoreUnavailable(error);
    }
  }

  /**
   * The version row, re-read at most every VERSION_TTL_MS. When D1 fails, the last
   * version read still names the cache entries, so stale copies can be served.
   */
  async version(): Promise<string> {
    const now = this.clock();
    if (this.known && now - this.known.readAt < VERSION_TTL_MS) return this.known.version;
    try {
      const row = await this.db.prepare("SELECT value FROM meta WHERE key = 'version'").first<{ value: string }>();
      if (!row) throw new Error("no content version: run `npm run content:push`");
      const version = this.codeVersion ? `${this.codeVersion}-${row.value}` : row.value;
      this.known = { version, readAt: now };
      return version;
    } catch (error) {
      if (this.known) return this.known.version;
      throw new StoreUnavailable(error);
    }
  }

  async select({ filters, now, limit, before, range, paging, count }: SelectQuery): Promise<Selection> {
    const upTo = Math.min(range ? range.to - 1 : now, now, before?.publishedMs ?? now);
    const visible = condition(filters, range ? range.from : Number.MIN_SAFE_INTEGER, upTo);
    const where = before ? beyond(visible, before, "after") : visible;
    const future = condition(filters, now + 1, Number.MAX_SAFE_INTEGER);
    const indexView = viewKey(filters);
    // One row past the page tells whether another page follows.
    const take = Math.min(limit, 1e9) + 1;
    // Positions counted from the oldest end of a condition's rows.
    const fromOldest = (c: Condition, rows: number, skip: number) =>
      this.db
        .prepare(
          `SELECT ${c.id} AS id, ${c.ms} AS publishedMs ${sql(c)} ORDER BY ${reversed(c.order)} LIMIT ? OFFSET ?`,
        )
        .bind(...c.params, rows, skip);
    const statements: Record<string, D1PreparedStatement> = {
      rows: this.db.prepare(`SELECT a.data ${sql(where)} ORDER BY ${where.order} LIMIT ?`).bind(...where.params, take),
      next: this.db.prepare(`SELECT MIN(a.published_ms) AS next ${sql(future)}`).bind(...future.params),
    };
    if (paging && before) {
      // The page before ends with `before` itself and starts after the (limit+1)-th row
      // from it, counting up: read up to that many.
      statements.newer = fromOldest(beyond(condition(filters, before.publishedMs, now), before, "through"), take, 0);
    }
    if (paging && indexView !== undefined) {
      // The oldest page starts after the (limit+1)-th oldest row.
      statements.last = fromOldest(condition(filters, Number.MIN_SAFE_INTEGER, now), 1, limit);
    }
    if (count && indexView !== undefined && !range) {
      // Every row of the view, less the scheduled ones (few, and an index range).
      statements.total = this.db
        .prepare(
          `SELECT COALESCE((SELECT total FROM view_counts WHERE view = ?), 0) - (SELECT COUNT(*) ${sql(future)}) AS total`,
        )
        .bind(indexView, ...future.params);
    }
    const names = Object.keys(statements);
    const results = await this.run(() => this.db.batch(Object.values(statements)));
    const result = Object.fromEntries(names.map((name, i) => [name, results[i]]));
    const found = resultRows<{ data: string }>(result.rows);
    const { next: nextMs } = firstRow<{ next: number | null }>(result.next);
    const selection: Selection = {
      items: found.slice(0, limit).map((row) => JSON.parse(row.data) as Article),
      more: found.length > limit,
      nextChangeMs: !range || range.to > now ? (nextMs ?? undefined) : undefined,
    };
    if (result.total) selection.total = firstRow<{ total: number }>(result.total).total;
    if (result.newer) {
      const newer = resultRows<Position>(result.newer);
      selection.previous = newer.length === 0 ? undefined : pageStart(newer[limit]);
    }
    if (result.last) selection.last = pageStart(resultRows<Position>(result.last)[0]);
    return selection;
  }

  async neighbours(filters: Filters, now: number, before: number, after: number) {
    const older = condition(filters, Number.MIN_SAFE_INTEGER, Math.min(before - 1, now));
    const newer = condition(filters, after, now);
    const [olderRows, newerRows] = await this.run(() =>
      this.db.batch([
        this.db.prepare(`SELECT a.data ${sql(older)} ORDER BY ${older.order} LIMIT 1`).bind(...older.params),
        this.db.prepare(`SELECT a.data ${sql(newer)} ORDER BY ${reversed(newer.order)} LIMIT 1`).bind(...newer.params),
      ]),
    );
    const parse = (rows: D1Result | undefined) => {
      const [row] = resultRows<{ data: string }>(rows);
      return row ? (JSON.parse(row.data) as Article) : undefined;
    };
    return { older: parse(olderRows), newer: parse(newerRows) };
  }

  async term(kind: TermKind, slug: string): Promise<Term | undefined> {
    const row = await this.run(() =>
      this.db
        .prepare("SELECT label FROM terms WHERE kind = ? AND slug = ?")
        .bind(kind, slug)
        .first<{ label: string }>(),
    );
    return row ? { label: row.label, slug } : undefined;
  }

  async summaries(now: number): Promise<TermSummary[]> {
    const terms = await this.run(() =>
      this.db
        .prepare(
          "SELECT t.kind, t.slug, t.label, COALESCE(c.total, 0) AS total FROM terms t LEFT JOIN view_counts c ON c.view = t.kind || ':' || t.slug",
        )
        .all<{ kind: TermKind; slug: string; label: string; total: number }>(),
    );
    if (terms.results.length === 0) return [];
    // Per term: its scheduled rows and its newest visible one, in one round trip.
    const statements = terms.results.flatMap(({ kind, slug }) => {
      const { table, column } = KIND_SQL[kind];
      return [
        this.db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${column} = ? AND published_ms > ?`).bind(slug, now),
        this.db
          .prepare(`SELECT MAX(published_ms) AS newest FROM ${table} WHERE ${column} = ? AND published_ms <= ?`)
          .bind(slug, now),
      ];
    });
    const results = await this.run(() => this.db.batch(statements));
    return terms.results
      .map(({ kind, slug, label, total }, i) => {
        const { n: scheduled } = firstRow<{ n: number }>(results[2 * i]);
        const { newest } = firstRow<{ newest: number | null }>(results[2 * i + 1]);
        return {
          kind,
          slug,
          label,
          count: total - scheduled,
          newest: newest === null ? undefined : `${new Date(newest).toISOString().slice(0, 19)}Z`,
        };
      })
      .sort((a, b) => a.label.localeCompare(b.label, "en"));
  }
}
