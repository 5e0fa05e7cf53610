// The D1 store's statements, as data: each answer is a plan (its statements and how to
// read their results), so that one request's plans go to D1 together in one batch.
// The selection rules here mirror src/feed/select.ts; a property test holds the two
// stores to the same answers.

import type { Article, Term } from "../content/article.js";
import { wordTokens } from "../content/tokens.js";
import { utcMonth } from "../dates.js";
import {
  type Filters,
  hasKeywords,
  type Neighbours,
  type PageStart,
  type Position,
  type Selection,
  type SelectQuery,
  type TermKind,
} from "./store.js";

/** A statement and its parameters, bound when the batch is sent. */
export interface Bound {
  sql: string;
  params: unknown[];
}

export interface Plan<T> {
  statements: Bound[];
  /** The answer, from this plan's own results in order. */
  read(results: D1Result[]): T;
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

/** The tokens a query word needs (a word in bigrams needs all of them), each once. */
export const queryTokens = (words: readonly string[]) => [...new Set(words.flatMap(wordTokens))];

/**
 * The token whose rows drive a keyword view: the longest (then the first in code-unit
 * order), a guess at the rarest, since a longer word is rarer as a rule and D1 keeps no
 * statistics to ask. Any choice is correct; it only decides how many rows a page reads.
 */
export function drivingToken(tokens: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const token of tokens) {
    if (best === undefined || token.length > best.length || (token.length === best.length && token < best))
      best = token;
  }
  return best;
}

/** The article has this token: a point lookup on article_tokens' key (migrations/0004). */
const HAS_TOKEN =
  "EXISTS (SELECT 1 FROM article_tokens x WHERE x.token = ? AND x.published_ms = a.published_ms AND x.article_id = a.id)";

/** The article has every token of a word (a word in bigrams needs all of them). */
const hasWord = (word: string) =>
  `(${wordTokens(word)
    .map(() => HAS_TOKEN)
    .join(" AND ")})`;

/**
 * FROM and WHERE for the articles of a view published in [from, upTo]. The rows of one
 * index drive the scan newest first, so that it stops at the page: a keyword's rows when
 * there is `q`, else the first topic's, else the articles' time index. Every other term
 * and word is a point lookup per row read.
 */
function condition(filters: Filters, from: number, upTo: number): Condition {
  const tokens = filters.q ? queryTokens(filters.q) : [];
  const driver = drivingToken(tokens);
  const topics = driver === undefined ? filters.topics.slice(1) : filters.topics;
  const first = driver === undefined ? filters.topics[0] : undefined;
  const where = ["a.published_ms >= ?", "a.published_ms <= ?"];
  const params: unknown[] = [from, upTo];
  let table = "articles a";
  let columns = ["a.published_ms", "a.id"];
  if (driver !== undefined) {
    // CROSS JOIN: SQLite keeps the left table outermost, so the token's rows drive.
    table = "article_tokens k CROSS JOIN articles a ON a.id = k.article_id";
    where.unshift("k.token = ?", "k.published_ms >= ?", "k.published_ms <= ?");
    params.unshift(driver, from, upTo);
    columns = ["k.published_ms", "k.article_id"];
  } else if (first !== undefined) {
    table = "article_topics t JOIN articles a ON a.id = t.article_id";
    where.unshift("t.topic_slug = ?", "t.published_ms >= ?", "t.published_ms <= ?");
    params.unshift(first, from, upTo);
    columns = ["t.published_ms", "t.article_id"];
  }
  for (const slug of topics) {
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
  for (const token of tokens.filter((token) => token !== driver)) {
    where.push(HAS_TOKEN);
    params.push(token);
  }
  if (filters.exclude) {
    where.push(`NOT (${filters.exclude.map(hasWord).join(" OR ")})`);
    params.push(...filters.exclude.flatMap(wordTokens));
  }
  const [ms, id] = columns as [string, string];
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

/** An article row as the queries return it: its content hash lets a reader reuse the parsed article. */
export interface ArticleRow {
  id: string;
  hash: string;
  data: string;
}

export type ParseRow = (row: ArticleRow) => Article;

const parseJson: ParseRow = (row) => JSON.parse(row.data) as Article;

/** The columns of an article row, as ArticleRow names them. */
const ROW = "a.id AS id, a.content_hash AS hash, a.data AS data";

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
  const predicates = filters.type !== undefined || filters.minQuality !== undefined || hasKeywords(filters);
  if (predicates || parts.length > 1) return undefined;
  return parts[0] ?? "all";
}

/** A view as a log line names it: its terms and filters, page and month. */
export function viewName({ filters, before, range }: Pick<SelectQuery, "filters" | "before" | "range">): string {
  const parts = [
    ...filters.topics.map((slug) => `topic:${slug}`),
    ...(filters.provider === undefined ? [] : [`provider:${filters.provider}`]),
    ...(filters.category === undefined ? [] : [`category:${filters.category}`]),
    ...(filters.type === undefined ? [] : [`type=${filters.type}`]),
    ...(filters.minQuality === undefined ? [] : [`minQuality=${filters.minQuality}`]),
    ...(filters.q === undefined ? [] : [`q=${filters.q.join("+")}`]),
    ...(filters.exclude === undefined ? [] : [`exclude=${filters.exclude.join("+")}`]),
    ...(before ? [`before=${before.publishedMs}.${before.id}`] : []),
    ...(range ? [`archive=${utcMonth(range.from)}`] : []),
  ];
  return parts.join(" ") || "all";
}

/** Positions counted from the oldest end of a condition's rows. */
const fromOldest = (c: Condition, rows: number, skip: number): Bound => ({
  sql: `SELECT ${c.id} AS id, ${c.ms} AS publishedMs ${sql(c)} ORDER BY ${reversed(c.order)} LIMIT ? OFFSET ?`,
  params: [...c.params, rows, skip],
});

export function selectPlan(
  { filters, now, limit, before, range, paging, count, order }: SelectQuery,
  parse: ParseRow = parseJson,
): Plan<Selection> {
  const upTo = Math.min(range ? range.to - 1 : now, now, before?.publishedMs ?? now);
  const visible = condition(filters, range ? range.from : Number.MIN_SAFE_INTEGER, upTo);
  const where = before ? beyond(visible, before, "after") : visible;
  const future = condition(filters, now + 1, Number.MAX_SAFE_INTEGER);
  // A top feed is one page by quality: no paging, and no count.
  const indexView = order === "quality" ? undefined : viewKey(filters);
  const rowOrder = order === "quality" ? `COALESCE(a.quality, 0) DESC, ${where.order}` : where.order;
  // One row past the page tells whether another page follows.
  const take = Math.min(limit, 1e9) + 1;
  const statements: Record<string, Bound> = {
    rows: { sql: `SELECT ${ROW} ${sql(where)} ORDER BY ${rowOrder} LIMIT ?`, params: [...where.params, take] },
    next: { sql: `SELECT MIN(a.published_ms) AS next ${sql(future)}`, params: future.params },
  };
  if (paging && before && order === undefined) {
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
    statements.total = {
      sql: `SELECT COALESCE((SELECT total FROM view_counts WHERE view = ?), 0) - (SELECT COUNT(*) ${sql(future)}) AS total`,
      params: [indexView, ...future.params],
    };
  }
  const names = Object.keys(statements);
  return {
    statements: Object.values(statements),
    read(results) {
      const result = Object.fromEntries(names.map((name, i) => [name, results[i]]));
      const found = resultRows<ArticleRow>(result.rows);
      const [{ next: nextMs = null } = {}] = resultRows<{ next: number | null }>(result.next);
      const selection: Selection = {
        items: found.slice(0, limit).map(parse),
        more: found.length > limit,
        nextChangeMs: !range || range.to > now ? (nextMs ?? undefined) : undefined,
      };
      if (result.total) selection.total = resultRows<{ total: number }>(result.total)[0]?.total ?? 0;
      if (result.newer) {
        const newer = resultRows<Position>(result.newer);
        selection.previous = newer.length === 0 ? undefined : pageStart(newer[limit]);
      }
      if (result.last) selection.last = pageStart(resultRows<Position>(result.last)[0]);
      return selection;
    },
  };
}

/** The newest visible matching article before `before`, and the oldest one from `after` up to `now`. */
export function neighboursPlan(
  filters: Filters,
  now: number,
  before: number,
  after: number,
  parse: ParseRow = parseJson,
): Plan<Neighbours> {
  const older = condition(filters, Number.MIN_SAFE_INTEGER, Math.min(before - 1, now));
  const newer = condition(filters, after, now);
  return {
    statements: [
      { sql: `SELECT ${ROW} ${sql(older)} ORDER BY ${older.order} LIMIT 1`, params: older.params },
      { sql: `SELECT ${ROW} ${sql(newer)} ORDER BY ${reversed(newer.order)} LIMIT 1`, params: newer.params },
    ],
    read: ([olderRows, newerRows]) => {
      const [older] = resultRows<ArticleRow>(olderRows);
      const [newer] = resultRows<ArticleRow>(newerRows);
      return { older: older && parse(older), newer: newer && parse(newer) };
    },
  };
}

/** A term exists only from its first article's time on (`first_ms`, kept by content:push). */
export function termPlan(kind: TermKind, slug: string, now: number): Plan<Term | undefined> {
  return {
    statements: [
      { sql: "SELECT label FROM terms WHERE kind = ? AND slug = ? AND first_ms <= ?", params: [kind, slug, now] },
    ],
    read: ([rows]) => {
      const [row] = resultRows<{ label: string }>(rows);
      return row ? { label: row.label, slug } : undefined;
    },
  };
}

/**
 * A term's newest visible time: `newest_ms` unless that article is still scheduled;
 * then one index seek (only for the few terms with a scheduled article). `?1` is now.
 */
const NEWEST_VISIBLE = `CASE WHEN t.newest_ms <= ?1 THEN t.newest_ms
  WHEN t.kind = 'topic' THEN (SELECT published_ms FROM article_topics WHERE topic_slug = t.slug AND published_ms <= ?1 ORDER BY published_ms DESC LIMIT 1)
  WHEN t.kind = 'provider' THEN (SELECT published_ms FROM articles WHERE provider_slug = t.slug AND published_ms <= ?1 ORDER BY published_ms DESC LIMIT 1)
  ELSE (SELECT published_ms FROM articles WHERE category_slug = t.slug AND published_ms <= ?1 ORDER BY published_ms DESC LIMIT 1) END`;

/** Scheduled rows per term: the few newest rows of each index, grouped. `?1` is now. */
const SCHEDULED = `SELECT 'topic' AS kind, topic_slug AS slug, COUNT(*) AS n FROM article_topics WHERE published_ms > ?1 GROUP BY topic_slug
  UNION ALL SELECT 'provider', provider_slug, COUNT(*) FROM articles WHERE published_ms > ?1 AND provider_slug IS NOT NULL GROUP BY provider_slug
  UNION ALL SELECT 'category', category_slug, COUNT(*) FROM articles WHERE published_ms > ?1 AND category_slug IS NOT NULL GROUP BY category_slug`;

/**
 * The home page's and OPML's three statements, whatever the number of terms: every
 * visible term with its count and newest time, the main feed's count and newest time,
 * and the next scheduled article; with `latest`, a fourth: the newest visible articles.
 */
export function catalogStatements(now: number, latest = 0): Bound[] {
  const newest = condition({ topics: [] }, Number.MIN_SAFE_INTEGER, now);
  const articles = {
    sql: `SELECT ${ROW} ${sql(newest)} ORDER BY ${newest.order} LIMIT ?`,
    params: [...newest.params, latest],
  };
  return [
    {
      sql: `SELECT t.kind, t.slug, t.label, COALESCE(c.total, 0) - COALESCE(s.n, 0) AS count, ${NEWEST_VISIBLE} AS newest
        FROM terms t LEFT JOIN view_counts c ON c.view = t.kind || ':' || t.slug
        LEFT JOIN (${SCHEDULED}) s ON s.kind = t.kind AND s.slug = t.slug
        WHERE t.first_ms <= ?1`,
      params: [now],
    },
    {
      sql: `SELECT COALESCE((SELECT total FROM view_counts WHERE view = 'all'), 0) - (SELECT COUNT(*) FROM articles WHERE published_ms > ?1) AS total,
        (SELECT published_ms FROM articles WHERE published_ms <= ?1 ORDER BY published_ms DESC LIMIT 1) AS newest`,
      params: [now],
    },
    {
      sql: "SELECT published_ms AS next FROM articles WHERE published_ms > ?1 ORDER BY published_ms ASC LIMIT 1",
      params: [now],
    },
    ...(latest > 0 ? [articles] : []),
  ];
}

/**
 * The WebSub cron's one query: the visible views touched by a push after push `seen`
 * (up to the last finished one), or with an article visible in (fromMs, now], most
 * recently changed first; every visible view when `seen` is undefined. `?1` is now.
 */
export function changesStatements(seen: number | undefined, fromMs: number | undefined, now: number): Bound[] {
  const published = {
    sql: "SELECT CAST(value AS INTEGER) AS seq FROM meta WHERE key = 'published_seq'",
    params: [],
  };
  if (seen === undefined || fromMs === undefined || !Number.isFinite(seen)) {
    return [
      {
        sql: `SELECT t.kind, t.slug, ${NEWEST_VISIBLE} AS changed FROM terms t WHERE t.first_ms <= ?1
          UNION ALL SELECT 'all', NULL, published_ms FROM
            (SELECT published_ms FROM articles WHERE published_ms <= ?1 ORDER BY published_ms DESC LIMIT 1)
          ORDER BY changed DESC`,
        params: [now],
      },
      published,
    ];
  }
  const split = (column: string) =>
    `CASE WHEN ${column} = 'all' THEN 'all' ELSE substr(${column}, 1, instr(${column}, ':') - 1) END AS kind,
     CASE WHEN ${column} = 'all' THEN NULL ELSE substr(${column}, instr(${column}, ':') + 1) END AS slug`;
  return [
    {
      sql: `WITH changed (kind, slug, changed) AS (
          SELECT 'topic', topic_slug, MAX(published_ms) FROM article_topics WHERE published_ms > ?2 AND published_ms <= ?1 GROUP BY topic_slug
          UNION ALL SELECT 'provider', provider_slug, MAX(published_ms) FROM articles
            WHERE published_ms > ?2 AND published_ms <= ?1 AND provider_slug IS NOT NULL GROUP BY provider_slug
          UNION ALL SELECT 'category', category_slug, MAX(published_ms) FROM articles
            WHERE published_ms > ?2 AND published_ms <= ?1 AND category_slug IS NOT NULL GROUP BY category_slug
          UNION ALL SELECT 'all', NULL, MAX(published_ms) FROM articles WHERE published_ms > ?2 AND published_ms <= ?1 HAVING COUNT(*) > 0
          UNION ALL SELECT ${split("view")}, changed_ms FROM view_changes
            WHERE seq > ?3 AND seq <= COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'published_seq'), 0)
        )
        SELECT t.kind, t.slug, MAX(c.changed) AS changed FROM changed c JOIN terms t ON t.kind = c.kind AND t.slug = c.slug
          WHERE t.first_ms <= ?1 GROUP BY t.kind, t.slug
        UNION ALL SELECT 'all', NULL, MAX(changed) FROM changed WHERE kind = 'all' HAVING COUNT(*) > 0
        ORDER BY changed DESC`,
      params: [now, fromMs, seen],
    },
    published,
  ];
}
