// The D1 store under load: a local D1 (Miniflare's SQLite, as `wrangler dev` uses) filled
// with N synthetic compiled articles, and the app's cache-miss path timed over it.
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { getPlatformProxy } from "wrangler";
import { createApp } from "../../src/app.js";
import { siteConfig } from "../../src/config.js";
import { D1Store } from "../../src/store/d1.js";
import { publishChanges } from "../../src/websub/publish.js";
import { applyMigrations } from "../push/executors.js";
import { LoadSampler, machineLine, markdownTable, writeSection } from "./report.js";
import {
  installCache,
  missCache,
  ROOT,
  type Summary,
  stubContext,
  summarize,
  workerEnv,
  workerVars,
} from "./runtime.js";

/** Rows inserted per statement: SQLite generates them itself, so the batch can be large. */
const CHUNK = 50_000;
const NOW = Date.UTC(2026, 10, 1);
const FIVE_YEARS = 5 * 365 * 86_400_000;
const TOPICS = 200;
const PROVIDERS = 150;

/**
 * Inserts rows [from, to) in one statement: ids, times, topics (a skewed pick of 1 to 3
 * of 200), providers and bodies come from the row number, so every run makes the same
 * corpus. The JSON is a compiled article (src/content/article.ts) of realistic size.
 */
function insertChunk(from: number, to: number, topics = TOPICS): string {
  const ms = `(${NOW} - ((i * 7919) % ${FIVE_YEARS / 60_000}) * 60000)`;
  // Skewed (a few topics hold most articles) for the page figures; uniform for the terms corpus.
  const topic = (k: number) =>
    topics === TOPICS
      ? `((i * ${31 + k * 17}) % ${topics}) * ((i * ${31 + k * 17}) % ${topics}) / ${topics}`
      : `((i + ${k * 7}) % ${topics})`;
  return `
WITH RECURSIVE seq(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < ${to}),
rows AS (
  SELECT i, printf('d1-%07d', i) AS id, ${ms} AS ms,
    ${topic(0)} AS t0, ${topic(1)} AS t1, (i % 3) AS extra, (i * 13) % ${PROVIDERS} AS p, (i % 8) AS c
  FROM seq
)
INSERT INTO articles (id, published_ms, type, quality, provider_slug, category_slug, content_hash, data)
SELECT id, ms, 'article', i % 101, 'provider-' || p, 'category-' || c, 'bench',
  -- Two in five articles have a body; the others have no contentHtml member at all.
  json_remove(json_object(
    'id', id,
    'title', 'Synthetic article ' || i || ' about a subject of some interest to readers of the bench corpus',
    'summary', printf('%.300c', 's'),
    'contentHtml', '<p>' || printf('%.1500c', 'y') || '</p>',
    'url', 'https://news.example.com/articles/' || i,
    'published', strftime('%Y-%m-%dT%H:%M:%SZ', ms / 1000, 'unixepoch'),
    'publishedMs', ms,
    'type', 'article',
    'quality', i % 101,
    'category', json_object('label', 'Category ' || c, 'slug', 'category-' || c),
    'topics', json(CASE extra
      WHEN 0 THEN json_array(json_object('label', 'Topic ' || t0, 'slug', 'topic-' || t0))
      ELSE json_array(json_object('label', 'Topic ' || t0, 'slug', 'topic-' || t0),
                      json_object('label', 'Topic ' || t1, 'slug', 'topic-' || t1)) END),
    'provider', json_object('name', 'Provider ' || p, 'slug', 'provider-' || p, 'domain', 'p' || p || '.example.com', 'url', 'https://p' || p || '.example.com/'),
    'images', json(CASE WHEN i % 2 = 0 THEN json_array(json_object('url', 'https://img.example.com/' || i || '.jpg', 'width', 1200, 'height', 800, 'mimeType', 'image/jpeg')) ELSE '[]' END),
    'related', json('[]')
  ), CASE WHEN i % 5 < 2 THEN '$.none' ELSE '$.contentHtml' END)
FROM rows WHERE true
ON CONFLICT (id) DO NOTHING`;
}

const TOPIC_ROWS = `
INSERT OR IGNORE INTO article_topics (topic_slug, article_id, published_ms)
SELECT DISTINCT json_extract(t.value, '$.slug'), a.id, a.published_ms
FROM articles a, json_each(a.data, '$.topics') t
WHERE a.id >= ? AND a.id < ?`;

/** Terms as content:push writes them: label, first and newest article times. */
const TERMS = `
INSERT OR IGNORE INTO terms (kind, slug, label, first_ms, newest_ms)
SELECT 'topic', topic_slug, 'Topic ' || substr(topic_slug, 7), MIN(published_ms), MAX(published_ms) FROM article_topics GROUP BY topic_slug
UNION ALL SELECT 'provider', provider_slug, 'Provider ' || substr(provider_slug, 10), MIN(published_ms), MAX(published_ms) FROM articles GROUP BY provider_slug
UNION ALL SELECT 'category', category_slug, 'Category ' || substr(category_slug, 10), MIN(published_ms), MAX(published_ms) FROM articles GROUP BY category_slug`;

/** The tokens every synthetic article's title and excerpt give (src/content/tokens.ts), but its number. */
const SHARED_TOKENS = [
  "a",
  "about",
  "article",
  "bench",
  "corpus",
  "interest",
  "of",
  "readers",
  "s".repeat(64),
  "some",
  "subject",
  "synthetic",
  "the",
  "to",
];

/**
 * The keyword rows (migrations/0004) of the synthetic articles with ids in [from, to):
 * the shared tokens and the article's number, as a push writes them.
 */
const TOKEN_ROWS = `
INSERT INTO article_tokens (token, published_ms, article_id)
SELECT w.token, a.published_ms, a.id FROM articles a,
  (SELECT column1 AS token FROM (VALUES ${SHARED_TOKENS.map((token) => `('${token}')`).join(", ")})) w
WHERE a.id >= ?1 AND a.id < ?2
UNION ALL SELECT CAST(CAST(substr(a.id, 4) AS INTEGER) AS TEXT), a.published_ms, a.id FROM articles a
WHERE a.id >= ?1 AND a.id < ?2`;

const tokensPerArticle = SHARED_TOKENS.length + 1;

/** A local D1 holding exactly `n` synthetic articles, made (once) under `root`. */
export async function syntheticD1(n: number, root: string, log: (line: string) => void, topics = TOPICS) {
  const persistTo = path.join(root, topics === TOPICS ? `d1-${n}` : `d1-${n}-topics-${topics}`);
  await mkdir(persistTo, { recursive: true });
  // Every time: a database made before a new migration gets it (wrangler applies only new ones).
  await applyMigrations({ database: "feed-articles", configPath: "wrangler.toml", remote: false, persistTo });
  const proxy = await getPlatformProxy<{ DB: D1Database }>({
    configPath: "wrangler.toml",
    persist: { path: path.join(persistTo, "v3") },
    remoteBindings: false,
  });
  const db = proxy.env.DB;
  const count = (await db.prepare("SELECT COUNT(*) AS n FROM articles").first<{ n: number }>())?.n ?? 0;
  if (count !== n) {
    const started = performance.now();
    for (let from = count; from < n; from += CHUNK) {
      const to = Math.min(from + CHUNK, n);
      await db.prepare(insertChunk(from, to, topics)).run();
      await db
        .prepare(TOPIC_ROWS)
        .bind(`d1-${String(from).padStart(7, "0")}`, `d1-${String(to).padStart(7, "0")}`)
        .run();
      log(`  d1 ${n}: ${to} rows`);
    }
    await db.prepare(TERMS).run();
    await db
      .prepare(
        "INSERT INTO meta (key, value) VALUES ('version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      )
      .bind(`bench-${n}`)
      .run();
    log(`  d1 ${n}: filled in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const tokens = (await db.prepare("SELECT COUNT(*) AS n FROM article_tokens").first<{ n: number }>())?.n ?? 0;
  if (tokens !== n * tokensPerArticle) {
    const started = performance.now();
    if (tokens > 0) await db.prepare("DELETE FROM article_tokens").run();
    for (let from = 0; from < n; from += CHUNK) {
      const id = (i: number) => `d1-${String(i).padStart(7, "0")}`;
      await db
        .prepare(TOKEN_ROWS)
        .bind(id(from), id(Math.min(from + CHUNK, n)))
        .run();
    }
    log(`  d1 ${n}: keyword rows written in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  return { db, dispose: () => proxy.dispose(), now: NOW };
}

export interface D1Cell {
  path: string;
  summary: Summary;
  /** D1 round trips (batches, or statements run alone) and statements of one request. */
  roundTrips: number;
  statements: number;
}

/** The binding as the store uses it (prepare, batch), counting what goes to D1. */
export function countedD1(db: D1Database) {
  const counts = { roundTrips: 0, statements: 0 };
  const counted = {
    prepare: (query: string) => db.prepare(query),
    batch: (statements: D1PreparedStatement[]) => {
      counts.roundTrips++;
      counts.statements += statements.length;
      return db.batch(statements);
    },
  } as unknown as D1Database;
  return { db: counted, counts };
}

/** The app over the D1 store, every lookup a cache miss: time per request for a few views. */
export async function measureD1(n: number, root: string, log: (line: string) => void): Promise<D1Cell[]> {
  const { db, dispose, now } = await syntheticD1(n, root, log);
  try {
    installCache(missCache);
    const { db: counted, counts } = countedD1(db);
    const store = new D1Store(counted, { clock: () => now });
    await store.version();
    const app = createApp({ store, now: () => now }, { cacheBytes: 0 });
    const env = workerEnv({ ...workerVars(), STORE: "d1" });
    const cells: D1Cell[] = [];
    for (const view of D1_PATHS) {
      const path = await resolvePath(db, now, view);
      const time = async () => {
        const { ctx } = stubContext();
        const started = performance.now();
        const response = await app.fetch(new Request(`http://127.0.0.1:8787${path}`), env, ctx);
        await response.arrayBuffer();
        const elapsed = performance.now() - started;
        if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
        return elapsed;
      };
      counts.roundTrips = counts.statements = 0;
      await time();
      const { roundTrips, statements } = counts;
      for (let i = 0; i < 9; i++) await time();
      const samples: number[] = [];
      for (let i = 0; i < 100; i++) samples.push(await time());
      cells.push({ path, summary: summarize(samples), roundTrips, statements });
    }
    return cells;
  } finally {
    await dispose();
  }
}

/** How deep the deep page starts: page 201 of 50 articles. */
const DEEP = 10_000;

/** Pages 1 at three sizes, a topic, a filter, and a deep page (after the 10,000th article). */
export const D1_PATHS = [
  "/atom.xml?limit=20",
  "/atom.xml?limit=50",
  "/atom.xml?limit=100",
  "/topics/topic-1/atom.xml?limit=50",
  "/feed.json?minQuality=90&limit=50",
  `/atom.xml?limit=50&before=<the ${DEEP.toLocaleString("en")}th article>`,
  // Keyword views (issue 18): a word every article holds, and one only article 4242 holds.
  "/atom.xml?q=synthetic&limit=50",
  "/atom.xml?q=4242&limit=50",
  "/atom.xml?q=synthetic+readers&exclude=4242&limit=50",
  "/topics/topic-1/atom.xml?q=synthetic&limit=50",
  "/top/atom.xml?window=30d&limit=50",
];

/** A path of D1_PATHS as requested: the deep page's position is looked up once. */
async function resolvePath(db: D1Database, now: number, view: string): Promise<string> {
  if (!view.includes("<")) return view;
  const row = await db
    .prepare(
      "SELECT id, published_ms AS ms FROM articles WHERE published_ms <= ? ORDER BY published_ms DESC, id LIMIT 1 OFFSET ?",
    )
    .bind(now, DEEP - 1)
    .first<{ id: string; ms: number }>();
  if (!row) throw new Error(`the bench corpus has fewer than ${DEEP} visible articles`);
  return view.replace(/<[^>]*>/, `${row.ms}.${row.id}`);
}

/** Terms of the terms corpus: every topic slug distinct, as a large news site grows them. */
export const TERMS_CORPUS = { articles: 20_000, topics: 10_000 } as const;

export interface TermsCell {
  what: string;
  summary: Summary;
  roundTrips: number;
  statements: number;
  /** For the cron run: hub POSTs sent, feed URLs pinged, and carried to the next run. */
  posts?: number;
  pinged?: number;
  carried?: number;
}

/** A KV namespace in memory: what the cron reads and writes between runs. */
function memoryKv(): KVNamespace {
  const values = new Map<string, string>();
  return {
    get: async (key: string, type?: string) => {
      const value = values.get(key);
      return value === undefined ? null : type === "json" ? JSON.parse(value) : value;
    },
    put: async (key: string, value: string) => {
      values.set(key, value);
    },
  } as unknown as KVNamespace;
}

/** `/`, `/feeds.opml` and one WebSub cron run over 10,000 topics: time, round trips, statements. */
export async function measureTerms(root: string, log: (line: string) => void, samples = 20): Promise<TermsCell[]> {
  const { db, dispose, now } = await syntheticD1(TERMS_CORPUS.articles, root, log, TERMS_CORPUS.topics);
  try {
    installCache(missCache);
    const { db: counted, counts } = countedD1(db);
    const store = new D1Store(counted, { clock: () => now });
    await store.version();
    const app = createApp({ store, now: () => now }, { cacheBytes: 0 });
    const env = workerEnv({ ...workerVars(), STORE: "d1" });
    const cells: TermsCell[] = [];
    for (const path of ["/", "/feeds.opml"]) {
      const times: number[] = [];
      let first = { roundTrips: 0, statements: 0 };
      for (let i = 0; i < samples; i++) {
        counts.roundTrips = counts.statements = 0;
        const { ctx } = stubContext();
        const started = performance.now();
        const response = await app.fetch(new Request(`http://127.0.0.1:8787${path}`), env, ctx);
        await response.arrayBuffer();
        times.push(performance.now() - started);
        if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
        if (i === 0) first = { ...counts };
      }
      cells.push({ what: path, summary: summarize(times), ...first });
    }
    // One cron run, the first after a hub is set: every feed changed.
    counts.roundTrips = counts.statements = 0;
    let posts = 0;
    const hub = (async () => {
      posts++;
      return new Response(null, { status: 202 });
    }) as unknown as typeof fetch;
    const started = performance.now();
    const report = await publishChanges(
      { store, now: () => now, state: memoryKv(), fetch: hub },
      siteConfig(workerEnv({ ...workerVars(), STORE: "d1", WEBSUB_HUB: "https://hub.example/" })),
    );
    const elapsed = performance.now() - started;
    cells.push({
      what: "one WebSub cron run (first run: every feed)",
      summary: summarize([elapsed]),
      ...counts,
      posts,
      pinged: report.pinged.length,
      carried: report.carried,
    });
    return cells;
  } finally {
    await dispose();
  }
}

const fmt = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(1));

/** The D1 page figures as a Markdown table: median / p99 ms per size, their ratio, round trips. */
export function d1Table(rows: { n: number; cells: D1Cell[] }[]): string {
  const first = rows[0];
  const last = rows.at(-1);
  return markdownTable(
    [
      "view (cache miss)",
      ...rows.map((row) => `N = ${row.n.toLocaleString("en-US")}: median / p99 ms`),
      ...(rows.length > 1 ? ["largest / smallest"] : []),
      "round trips / statements",
    ],
    D1_PATHS.map((view, i) => {
      const a = first?.cells[i];
      const b = last?.cells[i];
      return [
        `\`${view}\``,
        ...rows.map((row) => {
          const summary = row.cells[i]?.summary;
          return summary ? `${fmt(summary.medianMs)} / ${fmt(summary.p99Ms)}` : "—";
        }),
        ...(rows.length > 1 && a && b ? [`${(b.summary.medianMs / a.summary.medianMs).toFixed(2)}×`] : []),
        a ? `${a.roundTrips} / ${a.statements}` : "—",
      ];
    }),
  );
}

/** The terms corpus' figures as a Markdown table. */
export function termsTable(cells: TermsCell[]): string {
  return markdownTable(
    ["what (10,000 topics, 20,000 articles)", "median ms", "round trips / statements", "hub pings"],
    cells.map((cell) => [
      cell.what,
      cell.summary.medianMs.toFixed(1),
      `${cell.roundTrips} / ${cell.statements}`,
      cell.posts === undefined ? "—" : `${cell.posts} POSTs, ${cell.pinged} URLs, ${cell.carried} carried`,
    ]),
  );
}

/** The d1 section of docs/performance.md. */
export function d1Section(rows: { n: number; cells: D1Cell[] }[], terms: TermsCell[] | undefined, load: LoadSampler) {
  const parts = [
    machineLine(load),
    "",
    "Local D1 (Miniflare's SQLite through `getPlatformProxy`, as `wrangler dev` runs it) filled with N synthetic",
    "articles; the app over `D1Store`, every lookup a cache miss; 100 timed requests after 10 per view.",
    "",
    d1Table(rows),
  ];
  if (terms) parts.push("", termsTable(terms));
  return parts.join("\n");
}

const USAGE = `usage: tsx scripts/bench/d1.ts --terms | --sizes 100000[,1000000]
  --terms   /, /feeds.opml and one cron run over 10,000 topics in a local D1
  --sizes   the page figures at these numbers of articles (the 1M corpus takes minutes and
            about 3 GB to fill once; reused after); with --terms, both. Writes the d1
            section of docs/performance.md when both are given (BENCH_DOC=0: not at all).`;

/** Standalone: the sections of `npm run bench` that need only a local D1. */
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const sizesAt = args.indexOf("--sizes");
  const sizes = sizesAt === -1 ? [] : (args[sizesAt + 1] ?? "").split(",").map(Number);
  if (args.includes("--help") || (!args.includes("--terms") && sizesAt === -1) || sizes.some((n) => !(n > 0))) {
    console.log(USAGE);
    process.exit(args.includes("--help") ? 0 : 2);
  }
  const load = new LoadSampler();
  const root = path.resolve(process.env.BENCH_WORK ?? path.join(ROOT, ".cache", "bench"));
  const log = (line: string) => console.error(line);
  const rows: { n: number; cells: D1Cell[] }[] = [];
  for (const n of sizes) rows.push({ n, cells: await measureD1(n, root, log) });
  if (rows.length > 0) console.log(d1Table(rows));
  const terms = args.includes("--terms") ? await measureTerms(root, log) : undefined;
  if (terms) console.log(`\n${termsTable(terms)}`);
  if (rows.length > 0 && terms) await writeSection("d1", d1Section(rows, terms, load));
  load.stop();
}
