// The D1 store: articles in Cloudflare D1 (migrations/), for corpora too large for the
// bundle. Same interface and same results as the bundled store. Every call is one
// round trip (one `batch`) through a read session, so a replica near the Worker may
// answer it; each query is an index range, ordered like the feeds, with the clock as a
// parameter. Statements are built in ./d1-sql.ts.

import type { Article, Term } from "../content/article.js";
import { rfc3339 } from "../dates.js";
import {
  type ArticleRow,
  type Bound,
  catalogStatements,
  changesStatements,
  neighboursPlan,
  type Plan,
  selectPlan,
  termPlan,
  viewName,
} from "./d1-sql.js";
import type {
  ArticleStore,
  Catalog,
  ChangedView,
  ChangeMarker,
  FeedAnswer,
  FeedRequest,
  Filters,
  Neighbours,
  SelectQuery,
  TermKind,
} from "./store.js";
import { StoreUnavailable } from "./store.js";

/** How long an isolate trusts the content version it read: the freshness window of a push. */
export const VERSION_TTL_MS = 30_000;

/**
 * Where the last version read is kept beside the isolate's memory: in the Cache API,
 * which a new isolate can read while D1 is down, so its cached feeds stay servable.
 */
export const VERSION_CACHE_KEY = "https://d1-store.invalid/content-version";

/** One structured line per D1 failure: what was asked, for which view, how long it took. */
export interface D1Failure {
  event: "d1_failure";
  what: string;
  view: string;
  ms: number;
  error: string;
}

export interface D1StoreOptions {
  /** The clock of the version's re-read interval; tests set it. */
  clock?: () => number;
  /**
   * The deployed code's version, joined to the content's in the cache key: the database
   * knows only what was pushed, and a deploy that renders differently must not be
   * answered with bytes the old code cached.
   */
  codeVersion?: string;
  /** Where failures go; a JSON line on the console by default. */
  log?: (failure: D1Failure) => void;
  /** The Cache API key of the last version read (tests give each store its own). */
  versionKey?: string;
}

const resultRows = <T>(result: D1Result | undefined): T[] => (result?.results ?? []) as T[];
const isoSeconds = (ms: number | null | undefined) => (ms === null || ms === undefined ? undefined : rfc3339(ms));

/**
 * Characters of article JSON kept parsed per isolate (about twice that in bytes, as
 * strings are UTF-16): the articles of the hot pages, so that D1 misses hand the
 * renderers the same objects again and their item memo (src/feed/memo.ts) hits.
 */
export const PARSED_CAPACITY_CHARS = 4_000_000;

/**
 * Parsed articles by content hash, least recently used first: a row whose hash is
 * known is not parsed again, and the renderers see the object they already rendered.
 * An edited article has a new hash, so nothing stale is ever reused.
 */
class ParsedArticles {
  private readonly entries = new Map<string, { article: Article; size: number }>();
  private size = 0;

  constructor(private readonly capacity = PARSED_CAPACITY_CHARS) {}

  parse = (row: ArticleRow): Article => {
    const key = `${row.id} ${row.hash}`;
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.article;
    }
    const article = JSON.parse(row.data) as Article;
    if (row.data.length > this.capacity) return article;
    this.entries.set(key, { article, size: row.data.length });
    this.size += row.data.length;
    for (const [oldest, entry] of this.entries) {
      if (this.size <= this.capacity) break;
      this.entries.delete(oldest);
      this.size -= entry.size;
    }
    return article;
  };
}

export class D1Store implements ArticleStore {
  private known?: { version: string; readAt: number };
  private readonly parsed = new ParsedArticles();
  private readonly clock: () => number;
  private readonly codeVersion: string;
  private readonly log: (failure: D1Failure) => void;
  private readonly versionKey: string;

  constructor(
    private readonly db: D1Database,
    { clock = Date.now, codeVersion = "", log, versionKey = VERSION_CACHE_KEY }: D1StoreOptions = {},
  ) {
    this.clock = clock;
    this.codeVersion = codeVersion;
    this.log = log ?? ((failure) => console.error(JSON.stringify(failure)));
    this.versionKey = versionKey;
  }

  /**
   * Reads run in a session that may be served by the nearest read replica
   * ("first-unconstrained"): a feed tolerates seeing a push a few seconds late, and each
   * call is one batch, so it sees one consistent snapshot.
   */
  private reader(): Pick<D1Database, "prepare" | "batch"> {
    return typeof this.db.withSession === "function" ? this.db.withSession("first-unconstrained") : this.db;
  }

  /** One batch, one round trip; a failure is logged once and becomes StoreUnavailable. */
  private async batch(what: string, view: string, statements: Bound[]): Promise<D1Result[]> {
    const started = Date.now();
    const reader = this.reader();
    try {
      return await reader.batch(statements.map(({ sql, params }) => reader.prepare(sql).bind(...params)));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.log({ event: "d1_failure", what, view, ms: Date.now() - started, error: message.slice(0, 300) });
      throw new StoreUnavailable(what, { cause: error });
    }
  }

  /**
   * The version row, re-read at most every VERSION_TTL_MS. When D1 fails, the last
   * version read (in memory, else in the Cache API after a restart) still names the
   * cache entries, so stale copies can be served.
   */
  async version(): Promise<string> {
    const now = this.clock();
    if (this.known && now - this.known.readAt < VERSION_TTL_MS) return this.known.version;
    let rows: { value: string }[];
    try {
      [rows] = (
        await this.batch("version", "-", [{ sql: "SELECT value FROM meta WHERE key = 'version'", params: [] }])
      ).map((result) => resultRows<{ value: string }>(result)) as [{ value: string }[]];
    } catch (error) {
      const kept = this.known?.version ?? (await this.keptVersion());
      if (kept !== undefined) return kept;
      throw error;
    }
    const [row] = rows;
    if (!row) throw new StoreUnavailable("version: the database holds no content; run `npm run content:push`");
    const version = this.codeVersion ? `${this.codeVersion}-${row.value}` : row.value;
    if (this.known?.version !== version) await this.keepVersion(version);
    this.known = { version, readAt: now };
    return version;
  }

  private async keptVersion(): Promise<string | undefined> {
    const kept = await caches.default.match(this.versionKey).catch(() => undefined);
    return kept ? await kept.text() : undefined;
  }

  private async keepVersion(version: string): Promise<void> {
    const response = new Response(version, { headers: { "Cache-Control": "public, max-age=31536000" } });
    await caches.default.put(this.versionKey, response).catch(() => undefined);
  }

  async select(query: SelectQuery) {
    return (await this.feed({ terms: [], select: query })).selection;
  }

  async feed({ terms, select, neighbours }: FeedRequest): Promise<FeedAnswer> {
    const plans: Plan<unknown>[] = [
      ...terms.map(({ kind, slug }) => termPlan(kind, slug, select.now)),
      selectPlan(select, this.parsed.parse),
    ];
    if (neighbours) {
      plans.push(neighboursPlan(select.filters, select.now, neighbours.before, neighbours.after, this.parsed.parse));
    }
    const results = await this.batch(
      "feed",
      viewName(select),
      plans.flatMap((plan) => plan.statements),
    );
    const answers = splitResults(plans, results);
    return {
      terms: answers.slice(0, terms.length) as (Term | undefined)[],
      selection: answers[terms.length] as FeedAnswer["selection"],
      neighbours: (neighbours ? answers[terms.length + 1] : {}) as Neighbours,
    };
  }

  async neighbours(filters: Filters, now: number, before: number, after: number): Promise<Neighbours> {
    const plan = neighboursPlan(filters, now, before, after, this.parsed.parse);
    return plan.read(await this.batch("neighbours", viewName({ filters }), plan.statements));
  }

  async term(kind: TermKind, slug: string, now: number): Promise<Term | undefined> {
    const plan = termPlan(kind, slug, now);
    return plan.read(await this.batch("term", `${kind}:${slug}`, plan.statements));
  }

  async catalog(now: number, latest = 0): Promise<Catalog> {
    const results = await this.batch("catalog", "catalog", catalogStatements(now, latest));
    const [terms, main, next, newestRows] = results;
    const [{ total = 0, newest = null } = {}] = resultRows<{ total: number; newest: number | null }>(main);
    const [{ next: nextMs = null } = {}] = resultRows<{ next: number | null }>(next);
    const catalog: Catalog = {
      terms: resultRows<{ kind: TermKind; slug: string; label: string; count: number; newest: number | null }>(terms)
        .map(({ kind, slug, label, count, newest }) => ({ kind, slug, label, count, newest: isoSeconds(newest) }))
        .sort((a, b) => a.label.localeCompare(b.label, "en")),
      total,
      newest: isoSeconds(newest),
      nextChangeMs: nextMs ?? undefined,
    };
    if (latest > 0) catalog.latest = resultRows<ArticleRow>(newestRows).map(this.parsed.parse);
    return catalog;
  }

  /** Views changed by pushes after the one `since` saw, or by articles visible in (since.ms, now]. */
  async changes(since: ChangeMarker | undefined, now: number) {
    const seen = since === undefined ? undefined : Number(since.content);
    const results = await this.batch("changes", "websub", changesStatements(seen, since?.ms, now));
    const [views, published] = results;
    const [{ seq = 0 } = {}] = resultRows<{ seq: number | null }>(published);
    return {
      views: resultRows<{ kind: string; slug: string | null; changed: number }>(views).map(
        ({ kind, slug, changed }): ChangedView =>
          kind === "all" ? { changedMs: changed } : { kind: kind as TermKind, slug: slug ?? "", changedMs: changed },
      ),
      marker: { ms: now, content: String(seq ?? 0) },
    };
  }
}

/** Each plan's answer from its own slice of one batch's results, in order. */
function splitResults(plans: Plan<unknown>[], results: D1Result[]): unknown[] {
  let at = 0;
  return plans.map((plan) => {
    const mine = results.slice(at, at + plan.statements.length);
    at += plan.statements.length;
    return plan.read(mine);
  });
}
