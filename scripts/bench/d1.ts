// The D1 store under load: a local D1 (Miniflare's SQLite, as `wrangler dev` uses) filled
// with N synthetic compiled articles, and the app's cache-miss path timed over it.
import { mkdir, readdir } from "node:fs/promises";
import path from "node:path";
import { getPlatformProxy } from "wrangler";
import { createApp } from "../../src/app.js";
import { D1Store } from "../../src/store/d1.js";
import { applyMigrations } from "../push/executors.js";
import { installCache, missCache, type Summary, stubContext, summarize, workerEnv, workerVars } from "./runtime.js";

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
function insertChunk(from: number, to: number): string {
  const ms = `(${NOW} - ((i * 7919) % ${FIVE_YEARS / 60_000}) * 60000)`;
  const topic = (k: number) => `((i * ${31 + k * 17}) % ${TOPICS}) * ((i * ${31 + k * 17}) % ${TOPICS}) / ${TOPICS}`;
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

const TERMS = `
INSERT OR IGNORE INTO terms (kind, slug, label)
SELECT 'topic', slug, 'Topic ' || substr(slug, 7) FROM (SELECT DISTINCT topic_slug AS slug FROM article_topics)
UNION ALL SELECT 'provider', slug, 'Provider ' || substr(slug, 10) FROM (SELECT DISTINCT provider_slug AS slug FROM articles)
UNION ALL SELECT 'category', slug, 'Category ' || substr(slug, 10) FROM (SELECT DISTINCT category_slug AS slug FROM articles)`;

/** A local D1 holding exactly `n` synthetic articles, made (once) under `root`. */
export async function syntheticD1(n: number, root: string, log: (line: string) => void) {
  const persistTo = path.join(root, `d1-${n}`);
  await mkdir(persistTo, { recursive: true });
  const fresh = (await readdir(persistTo)).length === 0;
  if (fresh)
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
      await db.prepare(insertChunk(from, to)).run();
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
  return { db, dispose: () => proxy.dispose(), now: NOW };
}

export interface D1Cell {
  path: string;
  summary: Summary;
}

/** The app over the D1 store, every lookup a cache miss: time per request for a few views. */
export async function measureD1(n: number, root: string, log: (line: string) => void): Promise<D1Cell[]> {
  const { db, dispose, now } = await syntheticD1(n, root, log);
  try {
    installCache(missCache);
    const app = createApp({ store: new D1Store(db, { clock: () => now }), now: () => now }, { cacheBytes: 0 });
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
      for (let i = 0; i < 10; i++) await time();
      const samples: number[] = [];
      for (let i = 0; i < 100; i++) samples.push(await time());
      cells.push({ path, summary: summarize(samples) });
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
