// `npm run content:push` against a throwaway local D1 (a temp config and --persist-to): records
// validated first, only changes written, interrupted pushes finished by a rerun, nothing private.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPlatformProxy } from "wrangler";
import { type Executor, pendingMigrations } from "../../scripts/push/executors.js";
import { inline, literal, packIn, packRows, sqlFile, utf8Chunks } from "../../scripts/push/sql.js";
import type { Article, ContentIndex } from "../../src/content/article.js";
import { compileDirectory } from "../../src/content/compile.js";

const execute = promisify(execFile);
const TSX = path.resolve("node_modules/.bin/tsx");
const SECRET = "c2VjcmV0LXBheWxvYWQtZm9yLXRoZS1wdXNo";
/** A push spawns tsx and wrangler and starts workerd: seconds, not milliseconds. */
const SLOW = 60_000;

interface Fields {
  title: string;
  date: string;
  topics?: string[];
  provider?: string;
  category?: string;
  extra?: string;
  body?: string;
}

/** A record file; strings as JSON, which YAML reads as double-quoted scalars. */
function record({ title, date, topics = [], provider, category, extra = "", body = "" }: Fields): string {
  const lines = [
    "---",
    `title: ${JSON.stringify(title)}`,
    `publishedDateTime: ${date}`,
    `webUrl: "https://example.com/${encodeURIComponent(title)}"`,
    "type: article",
    "quality: 72.5",
    ...(topics.length > 0 ? ["topics:", ...topics.map((topic) => `  - ${JSON.stringify(topic)}`)] : []),
    ...(provider ? ["provider:", `  name: ${JSON.stringify(provider)}`, "  domain: example.com"] : []),
    ...(category ? [`category: ${JSON.stringify(category)}`] : []),
    extra,
    "---",
    body,
  ];
  return `${lines.filter((line) => line !== "").join("\n")}\n`;
}

let work: string;
let configPath: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "content-push-test-"));
  configPath = path.join(work, "wrangler.toml");
  await writeFile(
    configPath,
    [
      'name = "content-push-test"',
      'compatibility_date = "2026-04-20"',
      "[[d1_databases]]",
      'binding = "DB"',
      'database_name = "feed-articles"',
      'database_id = "local"',
      `migrations_dir = ${JSON.stringify(path.resolve("migrations"))}`,
    ].join("\n"),
  );
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A content folder and a database state of its own under the test's temp dir. */
async function setup(name: string) {
  const content = path.join(work, `${name}-content`);
  const state = path.join(work, `${name}-state`);
  await mkdir(content, { recursive: true });
  const files = async (records: Record<string, string | null>) => {
    for (const [file, text] of Object.entries(records)) {
      if (text === null) await rm(path.join(content, file));
      else await writeFile(path.join(content, file), text);
    }
  };
  return { content, state, files };
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function push(
  content: string,
  state: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<Run> {
  const argv = ["scripts/content-push.ts", "--content", content, "--config", configPath, "--persist-to", state];
  return execute(TSX, [...argv, ...args], { env: { ...process.env, ...env } })
    .then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }))
    .catch((error: Run) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }));
}

function summary(run: Run) {
  const match = /(\d+) unchanged, (\d+) added, (\d+) updated, (\d+) deleted, version (\w+)/.exec(run.stdout);
  if (!match) throw new Error(`no summary in:\n${run.stdout}\n${run.stderr}`);
  const [unchanged, added, updated, deleted] = match.slice(1, 5).map(Number);
  return { unchanged, added, updated, deleted, version: match[5] };
}

/** Opens the state as the Worker's local binding would, runs `read`, and lets go of it. */
async function withDb<T>(state: string, read: (db: D1Database) => Promise<T>): Promise<T> {
  const proxy = await getPlatformProxy<{ DB: D1Database }>({
    configPath,
    persist: { path: path.join(state, "v3") },
    remoteBindings: false,
  });
  try {
    return await read(proxy.env.DB);
  } finally {
    await proxy.dispose();
  }
}

const rows = async <T>(db: D1Database, sql: string) => (await db.prepare(sql).all<T>()).results;

interface ArticleRow {
  rowid: number;
  id: string;
  published_ms: number;
  type: string | null;
  quality: number | null;
  provider_slug: string | null;
  category_slug: string | null;
  content_hash: string;
  data: string;
}

/** Everything a push writes, plus which article ids the test's triggers saw written. */
function dump(state: string) {
  return withDb(state, async (db) => {
    const tables = await rows<{ name: string }>(db, "SELECT name FROM sqlite_master WHERE type = 'table'");
    const logged = tables.some((table) => table.name === "push_log");
    return {
      articles: await rows<ArticleRow>(db, "SELECT rowid, * FROM articles ORDER BY id"),
      topics: await rows<{ topic_slug: string; article_id: string; published_ms: number }>(
        db,
        "SELECT * FROM article_topics ORDER BY topic_slug, article_id",
      ),
      terms: await rows<{ kind: string; slug: string; label: string; first_ms: number; newest_ms: number }>(
        db,
        "SELECT * FROM terms ORDER BY kind, slug",
      ),
      meta: await rows<{ key: string; value: string }>(db, "SELECT * FROM meta ORDER BY key"),
      counts: await rows<{ view: string; total: number }>(
        db,
        "SELECT * FROM view_counts WHERE total != 0 ORDER BY view",
      ),
      written: logged
        ? (await rows<{ id: string }>(db, "SELECT DISTINCT id FROM push_log ORDER BY id")).map((row) => row.id)
        : [],
    };
  });
}

/** Triggers that log every article row a push inserts, updates or deletes (test state only). */
function logWrites(state: string) {
  return withDb(state, async (db) => {
    await db.batch([
      db.prepare("CREATE TABLE IF NOT EXISTS push_log (id TEXT)"),
      db.prepare("DELETE FROM push_log"),
      ...["INSERT", "UPDATE", "DELETE"].map((event) =>
        db.prepare(
          `CREATE TRIGGER IF NOT EXISTS log_${event.toLowerCase()} AFTER ${event} ON articles ` +
            `BEGIN INSERT INTO push_log VALUES (${event === "DELETE" ? "OLD" : "NEW"}.id); END`,
        ),
      ),
    ]);
  });
}

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** The labels the bundled index would give: the newest article to use a slug names it. */
/** Each term's label from its oldest article, the first to become visible; its first and newest times. */
function expectedTerms(articles: readonly Article[]) {
  const terms = new Map<string, { kind: string; slug: string; label: string; first_ms: number; newest_ms: number }>();
  const add = (kind: string, slug: string, label: string, ms: number) => {
    const known = terms.get(`${kind} ${slug}`);
    const oldest = !known || ms <= known.first_ms;
    terms.set(`${kind} ${slug}`, {
      kind,
      slug,
      label: oldest ? label : (known?.label ?? label),
      first_ms: Math.min(ms, known?.first_ms ?? ms),
      newest_ms: Math.max(ms, known?.newest_ms ?? ms),
    });
  };
  for (const article of articles) {
    const ms = Date.parse(article.published);
    for (const topic of article.topics) add("topic", topic.slug, topic.label, ms);
    if (article.provider) add("provider", article.provider.slug, article.provider.name, ms);
    if (article.category) add("category", article.category.slug, article.category.label, ms);
  }
  return [...terms.values()].sort((a, b) => byString(a.kind, b.kind) || byString(a.slug, b.slug));
}

function expectedCounts(articles: readonly Article[]) {
  const counts = new Map<string, number>();
  const count = (view: string) => counts.set(view, (counts.get(view) ?? 0) + 1);
  for (const article of articles) {
    count("all");
    for (const topic of article.topics) count(`topic:${topic.slug}`);
    if (article.provider) count(`provider:${article.provider.slug}`);
    if (article.category) count(`category:${article.category.slug}`);
  }
  return [...counts].map(([view, total]) => ({ view, total })).sort((a, b) => byString(a.view, b.view));
}

/** The database holds exactly the compiled index: rows, topics, terms, view counts, version. */
async function expectStored(state: string, index: ContentIndex) {
  const db = await dump(state);
  expect(db.articles.map((row) => row.id)).toEqual(index.articles.map((article) => article.id).sort(byString));
  for (const article of index.articles) {
    const row = db.articles.find((candidate) => candidate.id === article.id);
    expect(row?.data).toBe(JSON.stringify(article));
    expect(JSON.parse(row?.data ?? "null")).toEqual(JSON.parse(JSON.stringify(article)));
    expect(row).toMatchObject({
      published_ms: article.publishedMs,
      type: article.type ?? null,
      quality: article.quality ?? null,
      provider_slug: article.provider?.slug ?? null,
      category_slug: article.category?.slug ?? null,
      content_hash: sha256(JSON.stringify(article)),
    });
  }
  const topics = index.articles.flatMap((article) =>
    article.topics.map((topic) => ({
      topic_slug: topic.slug,
      article_id: article.id,
      published_ms: article.publishedMs,
    })),
  );
  const topicOrder = (a: (typeof topics)[number], b: (typeof topics)[number]) =>
    byString(a.topic_slug, b.topic_slug) || byString(a.article_id, b.article_id);
  expect([...db.topics].sort(topicOrder)).toEqual(topics.sort(topicOrder));
  expect(db.terms).toEqual(expectedTerms(index.articles));
  expect(db.counts).toEqual(expectedCounts(index.articles));
  expect(db.meta.filter((row) => row.key === "version")).toEqual([{ key: "version", value: index.version }]);
  // The push that finished is the one the WebSub cron may announce.
  const value = (key: string) => db.meta.find((row) => row.key === key)?.value;
  expect(value("published_seq")).toBe(value("push_seq") ?? value("published_seq"));
  return db;
}

const compiled = async (content: string) => (await compileDirectory(content)).index;

// The two flows below run side by side (concurrent suites); the steps of the first run in
// order (it.sequential), each starting from the database the one before left, as pushes do.
describe("content:push, one folder over successive pushes", { timeout: SLOW, concurrent: true }, () => {
  let folder: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    folder = await setup("main");
  });

  it.sequential("writes every compiled record on the first push, and no draft or `secured` payload", async () => {
    await folder.files({
      "a1.md": record({
        title: "First",
        date: "2024-05-01T09:00:00Z",
        topics: ["AI", "Health"],
        provider: "Nature",
        category: "Research",
      }),
      "a2.md": record({ title: "Second", date: "2024-05-02T09:00:00Z", topics: ["AI"], provider: "Science" }),
      "a3.md": record({ title: "Third", date: "2024-05-03T09:00:00Z", topics: ["Énergie renouvelable"] }),
      "a4.md": record({
        title: "Fourth",
        date: "2024-05-04T09:00:00Z",
        topics: ["AI"],
        category: "News",
        extra: `secured: "${SECRET}"\neditorNote: internal`,
        body: "Some *body* text.",
      }),
      "a5.md": record({ title: "Fifth", date: "2024-05-05T09:00:00+02:00", provider: "Nature" }),
      "draft.md": record({
        title: "Draft",
        date: "2024-05-06T09:00:00Z",
        topics: ["Secret topic"],
        extra: "published: false",
      }),
    });
    const index = await compiled(folder.content);
    expect(index.articles).toHaveLength(5);

    const run = await push(folder.content, folder.state);
    expect(run.code, run.stderr).toBe(0);
    expect(summary(run)).toEqual({ unchanged: 0, added: 5, updated: 0, deleted: 0, version: index.version });
    expect(run.stderr).toContain("pushed 5/5 rows");

    const db = await expectStored(folder.state, index);
    const everything = JSON.stringify(db);
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain("secured");
    expect(everything).not.toContain("editorNote");
    expect(everything).not.toContain("draft");
    expect(everything).not.toContain("secret-topic");
  });

  it.sequential("writes only the edited, the new and the removed record on the next push", async () => {
    const before = await dump(folder.state);
    await logWrites(folder.state);
    await folder.files({
      "a2.md": record({
        title: "Second, edited",
        date: "2024-05-02T09:00:00Z",
        topics: ["Climate"],
        provider: "Science",
      }),
      "a6.md": record({ title: "Sixth", date: "2024-05-07T09:00:00Z", topics: ["Health"], provider: "Nature" }),
      "a3.md": null,
    });
    const index = await compiled(folder.content);

    // Stored hashes read two rows at a time: three keyset pages of the five rows.
    const run = await push(folder.content, folder.state, [], { PUSH_READ_PAGE: "2" });
    expect(run.code, run.stderr).toBe(0);
    expect(summary(run)).toEqual({ unchanged: 3, added: 1, updated: 1, deleted: 1, version: index.version });
    expect(run.stderr).toContain("pushed 3/3 rows");

    const after = await expectStored(folder.state, index);
    // The triggers saw exactly three rows written; the others kept their rowid, hash and data.
    expect(after.written).toEqual(["a2", "a3", "a6"]);
    for (const id of ["a1", "a4", "a5"]) {
      expect(after.articles.find((row) => row.id === id)).toEqual(before.articles.find((row) => row.id === id));
    }
    expect(after.topics.some((topic) => topic.article_id === "a3")).toBe(false);
    expect(after.meta).not.toEqual(before.meta);
  });

  it.sequential("leaves the old version after an interrupted push, and a rerun finishes it without duplicates", async () => {
    const before = await dump(folder.state);
    await logWrites(folder.state);
    await folder.files({
      "a1.md": record({ title: "First, edited", date: "2024-05-01T09:00:00Z", topics: ["AI", "Space"] }),
      ...Object.fromEntries(
        [1, 2, 3, 4].map((n) => [
          `b${n}.md`,
          record({
            title: `New ${n}`,
            date: `2024-06-0${n}T09:00:00Z`,
            topics: ["Space", `Topic ${n}`],
            provider: "ESA",
          }),
        ]),
      ),
    });
    const index = await compiled(folder.content);

    // Five changes in batches of two: the push stops after the first batch.
    const failed = await push(folder.content, folder.state, ["--batch", "2"], { PUSH_FAIL_AFTER_BATCHES: "1" });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain("stopped on purpose");
    expect(failed.stdout).not.toMatch(/unchanged/);
    const half = await dump(folder.state);
    const version = (meta: { key: string; value: string }[]) =>
      meta.filter((row) => row.key !== "push_seq" && row.key !== "push_ms");
    expect(version(half.meta)).toEqual(version(before.meta));
    expect(half.terms).toEqual(before.terms);
    expect(half.written).toHaveLength(2);
    expect(half.articles).toHaveLength(before.articles.length + half.written.filter((id) => id !== "a1").length);

    const rerun = await push(folder.content, folder.state, ["--batch", "2"]);
    expect(rerun.code, rerun.stderr).toBe(0);
    const result = summary(rerun);
    expect(result).toMatchObject({ unchanged: 6, deleted: 0, version: index.version });
    expect((result.added ?? 0) + (result.updated ?? 0)).toBe(3);
    expect(rerun.stderr).toContain("pushed 2/3 rows");
    expect(rerun.stderr).toContain("pushed 3/3 rows");

    const after = await expectStored(folder.state, index);
    // Five rows written in all, each once: the rerun did not redo the first batch.
    expect(after.written).toEqual(["a1", "b1", "b2", "b3", "b4"]);
    expect(new Set(after.articles.map((row) => row.id)).size).toBe(after.articles.length);
  });

  it.sequential("stops at a bad record, listing it, before writing anything", async () => {
    const before = await dump(folder.state);
    await logWrites(folder.state);
    await folder.files({
      "a5.md": record({ title: "Fifth, edited", date: "2024-05-05T09:00:00Z" }),
      "bad.md": "---\nexcerpt: no title, no date, no URL\n---\n",
    });

    const run = await push(folder.content, folder.state);
    expect(run.code).toBe(1);
    const shown = path.relative(process.cwd(), folder.content);
    expect(run.stderr).toContain(`${shown}/bad.md:2: title: is required`);
    expect(run.stderr).toContain(`${shown}/bad.md:2: publishedDateTime: is required`);
    expect(run.stderr).toContain("nothing was written");
    const after = await dump(folder.state);
    expect(after.written).toEqual([]);
    expect({ ...after, written: [] }).toEqual({ ...before, written: [] });
  });

  it.sequential("creates no database at all for a bad folder that was never pushed", async () => {
    const fresh = await setup("fresh");
    await fresh.files({ "bad.md": "---\ntitle: t\n---\n" });
    const run = await push(fresh.content, fresh.state);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("bad.md:2: publishedDateTime: is required");
    await expect(stat(fresh.state)).rejects.toThrow();
  });
});

// Each wrangler run costs seconds; a push through it also opens with the push markers (one run more).
describe("content:push through wrangler d1 execute (the --remote path)", {
  timeout: 3 * SLOW,
  concurrent: true,
}, () => {
  it("reads and writes the database as the local binding does, hostile text and long articles included", async () => {
    const hostile = "BEGIN TRANSACTION; COMMIT; -- not a comment /* nor this */ 'quoted' \"double\" `tick` $tag$ END;";
    const folder = await setup("files");
    await folder.files({ "h3.md": record({ title: "Plain", date: "2024-05-03T09:00:00Z", topics: ["人工智能"] }) });
    expect((await push(folder.content, folder.state)).code).toBe(0);

    await folder.files({
      "h1.md": record({
        title: `${hostile} é 🎉`,
        date: "2024-05-01T09:00:00Z",
        topics: ["人工智能", "Énergie"],
        provider: "O'Reilly",
        category: "SQL; DROP TABLE articles",
      }),
      // About 150 KB of compiled JSON: written in pieces, each within D1's statement limit.
      "h2.md": record({
        title: "Long",
        date: "2024-05-02T09:00:00Z",
        topics: ["人工智能"],
        body: Array.from({ length: 1200 }, (_, i) => `${i} ${hostile} 人工智能 🎉 é`).join("\n\n"),
      }),
    });
    const index = await compiled(folder.content);
    expect(JSON.stringify(index.articles.find((article) => article.id === "h2")).length).toBeGreaterThan(100_000);

    // The hashes come back through `wrangler d1 execute --json`: h3 is known, not rewritten.
    const run = await push(folder.content, folder.state, ["--via-wrangler"]);
    expect(run.code, run.stderr).toBe(0);
    expect(summary(run)).toEqual({ unchanged: 1, added: 2, updated: 0, deleted: 0, version: index.version });
    await expectStored(folder.state, index);
  });
});

describe("the SQL written into files", () => {
  it("splits long text on character boundaries only", () => {
    const text = "aé人🎉".repeat(10_000);
    const chunks = utf8Chunks(text, 1000);
    expect(chunks.join("")).toBe(text);
    for (const chunk of chunks) expect(Buffer.byteLength(chunk)).toBeLessThanOrEqual(1000);
    expect(chunks.some((chunk) => chunk.includes("\uFFFD"))).toBe(false);
  });

  it("packs rows into statements within D1's limits: 100 parameters, 100 KB of text", () => {
    const small = packRows(
      "INSERT INTO t (a, b, c)",
      Array.from({ length: 100 }, (_, i) => [`id-${i}`, i, null]),
    );
    expect(small.map((statement) => statement.params.length)).toEqual([99, 99, 99, 3]);
    const large = packRows(
      "INSERT INTO t (a, b)",
      Array.from({ length: 10 }, (_, i) => [i, "é".repeat(10_000)]),
    );
    expect(large.length).toBeGreaterThan(1);
    for (const statement of large) expect(Buffer.byteLength(inline(statement))).toBeLessThanOrEqual(100_000);
    expect(large.flatMap((statement) => statement.params)).toHaveLength(20);
    expect(
      packIn(
        "DELETE FROM t WHERE a IN",
        Array.from({ length: 250 }, (_, i) => i),
      ).map((s) => s.params.length),
    ).toEqual([100, 100, 50]);
  });

  it("inlines values so that nothing in them reads as SQL", () => {
    expect(literal(null)).toBe("NULL");
    expect(literal(72.5)).toBe("72.5");
    expect(literal("a1_b-2.c")).toBe("'a1_b-2.c'");
    expect(literal("it's; --")).toBe(`CAST(X'${Buffer.from("it's; --").toString("hex")}' AS TEXT)`);
    expect(inline({ sql: "INSERT INTO t VALUES (?, ?)", params: ["x", 1] })).toBe("INSERT INTO t VALUES ('x', 1)");
    expect(() => inline({ sql: "SELECT ?", params: [] })).toThrow(/placeholders/);
    const file = sqlFile([{ sql: "INSERT INTO t VALUES (?)", params: ["BEGIN TRANSACTION; COMMIT;"] }]);
    expect(file).not.toMatch(/BEGIN|COMMIT/);
  });
});

describe("the migrations check", () => {
  const database = (names: string[] | Error): Executor => ({
    all: async <T>() => {
      if (names instanceof Error) throw names;
      return names.map((name) => ({ name })) as T[];
    },
    batch: async () => {},
    close: async () => {},
  });
  const migrations = { dir: path.resolve("migrations"), table: "d1_migrations" };

  it("leaves wrangler out when every migration file is recorded", async () => {
    const files = (await readdir(migrations.dir)).filter((name) => name.endsWith(".sql")).sort();
    expect(await pendingMigrations(database(files), migrations)).toEqual([]);
    expect(await pendingMigrations(database(files.slice(1)), migrations)).toEqual(files.slice(0, 1));
  });

  it("applies them all to a database without the table", async () => {
    const files = (await readdir(migrations.dir)).filter((name) => name.endsWith(".sql")).sort();
    expect(await pendingMigrations(database(new Error("no such table: d1_migrations")), migrations)).toEqual(files);
  });
});
