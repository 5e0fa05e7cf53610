// The statements a push writes into the D1 schema (migrations/): articles and their topics,
// terms, the version. Upserts and deletes only, never REPLACE: the view_counts triggers see them.
import type { Article } from "../../src/content/article.js";
import { searchableText, textTokens } from "../../src/content/tokens.js";
import { CHUNK_BYTES, packIn, packRows, type SqlValue, type Statement, utf8Chunks } from "./sql.js";

export interface Change {
  article: Article;
  /** JSON.stringify(article): the `data` column; its sha256 is `content_hash`. */
  data: string;
  hash: string;
  added: boolean;
}

const UPSERT_ARTICLES =
  "INSERT INTO articles (id, published_ms, type, quality, provider_slug, category_slug, content_hash, data)";
const ON_CONFLICT =
  " ON CONFLICT (id) DO UPDATE SET published_ms = excluded.published_ms, type = excluded.type," +
  " quality = excluded.quality, provider_slug = excluded.provider_slug, category_slug = excluded.category_slug," +
  " content_hash = excluded.content_hash, data = excluded.data";

/**
 * Writes the articles and replaces their topics. `data` too long for one statement goes in
 * pieces: the upsert holds the first, appends the rest, all in the caller's atomic batch.
 */
export function upsertArticles(changes: readonly Change[]): Statement[] {
  const rows: SqlValue[][] = [];
  const appends: Statement[] = [];
  for (const { article, data, hash } of changes) {
    const [first = "", ...rest] = Buffer.byteLength(data) > CHUNK_BYTES ? utf8Chunks(data) : [data];
    rows.push([
      article.id,
      article.publishedMs,
      article.type ?? null,
      article.quality ?? null,
      article.provider?.slug ?? null,
      article.category?.slug ?? null,
      hash,
      first,
    ]);
    for (const piece of rest) {
      appends.push({ sql: "UPDATE articles SET data = data || ? WHERE id = ?", params: [piece, article.id] });
    }
  }
  const topics = changes.flatMap(({ article }) =>
    article.topics.map((topic) => [topic.slug, article.id, article.publishedMs]),
  );
  return [
    ...packRows(UPSERT_ARTICLES, rows, ON_CONFLICT),
    ...appends,
    ...packIn(
      "DELETE FROM article_topics WHERE article_id IN",
      changes.map(({ article }) => article.id),
    ),
    ...packRows("INSERT INTO article_topics (topic_slug, article_id, published_ms)", topics),
    ...replaceTokens(changes),
  ];
}

/** Writes each article's tokens from one JSON parameter: `[[id, publishedMs, [token, …]], …]`. */
const INSERT_TOKENS = `INSERT INTO article_tokens (token, published_ms, article_id)
  SELECT t.value, json_extract(a.value, '$[1]'), json_extract(a.value, '$[0]')
  FROM json_each(?) a, json_each(a.value, '$[2]') t`;

/**
 * An article's `[id, publishedMs, [token, …]]` entries, each within a quarter of
 * CHUNK_BYTES: the longest title and excerpt in an unspaced script give more tokens than
 * one statement holds.
 */
function tokenEntries(article: Article): string[] {
  const head = JSON.stringify([article.id, article.publishedMs]).slice(0, -1);
  const entries: string[] = [];
  let tokens: string[] = [];
  let bytes = Buffer.byteLength(head);
  for (const token of textTokens(searchableText(article))) {
    const size = Buffer.byteLength(JSON.stringify(token)) + 1;
    if (tokens.length > 0 && bytes + size > CHUNK_BYTES / 4) {
      entries.push(`${head},${JSON.stringify(tokens)}]`);
      tokens = [];
      bytes = Buffer.byteLength(head);
    }
    tokens.push(token);
    bytes += size;
  }
  entries.push(`${head},${JSON.stringify(tokens)}]`);
  return entries;
}

/**
 * The keyword rows (migrations/0004) of these articles: one per distinct token, keyed by
 * the article's time like its topic rows. Some tens of tokens an article, three values
 * each, would take a statement an article as bound rows; as JSON, one statement takes
 * many articles (up to CHUNK_BYTES, a statement's size when inlined for wrangler).
 * Only articles already stored have old rows to delete.
 */
function replaceTokens(changes: readonly Change[]): Statement[] {
  const inserts: Statement[] = [];
  let entries: string[] = [];
  let bytes = 2;
  const flush = () => {
    if (entries.length > 0) inserts.push({ sql: INSERT_TOKENS, params: [`[${entries.join(",")}]`] });
    entries = [];
    bytes = 2;
  };
  for (const { article } of changes) {
    for (const entry of tokenEntries(article)) {
      const size = Buffer.byteLength(entry) + 1;
      if (bytes + size > CHUNK_BYTES) flush();
      entries.push(entry);
      bytes += size;
    }
  }
  flush();
  return [
    ...packIn(
      "DELETE FROM article_tokens WHERE article_id IN",
      changes.filter((change) => !change.added).map(({ article }) => article.id),
    ),
    ...inserts,
  ];
}

/** Deletes articles and their topics (explicitly: the trigger counts each topic row). */
export function deleteArticles(ids: readonly string[]): Statement[] {
  return [
    ...packIn("DELETE FROM article_tokens WHERE article_id IN", ids),
    ...packIn("DELETE FROM article_topics WHERE article_id IN", ids),
    ...packIn("DELETE FROM articles WHERE id IN", ids),
  ];
}

/**
 * Every topic, provider and category, replacing the old ones: its label, the time its
 * first article becomes visible (before which it exists nowhere) and its newest article's
 * time. As in the bundled index, the term's oldest article (articles come newest first)
 * gives its label: an embargoed article never relabels a public term.
 */
export function replaceTerms(articles: readonly Article[]): Statement[] {
  const terms = new Map<string, [kind: string, slug: string, label: string, first: number, newest: number]>();
  // In any order: the oldest article (by time, then the later id, as the feeds order them) names the term.
  const oldest = new Map<string, string>();
  const add = (kind: string, slug: string, label: string, ms: number, id: string) => {
    const key = `${kind} ${slug}`;
    const known = terms.get(key);
    if (!known) {
      terms.set(key, [kind, slug, label, ms, ms]);
      oldest.set(key, id);
      return;
    }
    if (ms < known[3] || (ms === known[3] && id > (oldest.get(key) ?? ""))) {
      known[2] = label;
      known[3] = ms;
      oldest.set(key, id);
    }
    known[4] = Math.max(known[4], ms);
  };
  for (const article of articles) {
    const { publishedMs: ms, id } = article;
    for (const topic of article.topics) add("topic", topic.slug, topic.label, ms, id);
    if (article.provider) add("provider", article.provider.slug, article.provider.name, ms, id);
    if (article.category) add("category", article.category.slug, article.category.label, ms, id);
  }
  return [
    { sql: "DELETE FROM terms", params: [] },
    ...packRows("INSERT INTO terms (kind, slug, label, first_ms, newest_ms)", [...terms.values()]),
  ];
}

const setMeta = (key: string, value: string | number): Statement => ({
  sql: "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  params: [key, String(value)],
});

/**
 * Opens a push: the rows it writes are marked (by the view_changes triggers) with a new
 * push number and its time, so the WebSub cron learns which views it changed.
 */
export function startPush(pushMs: number): Statement[] {
  return [
    {
      sql:
        "INSERT INTO meta (key, value) VALUES ('push_seq', CAST(COALESCE((SELECT CAST(value AS INTEGER) FROM meta" +
        " WHERE key = 'published_seq'), 0) + 1 AS TEXT)) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      params: [],
    },
    setMeta("push_ms", pushMs),
  ];
}

/** The content version, and the push whose changes the WebSub cron may now announce. */
export function setVersion(version: string): Statement[] {
  return [
    setMeta("version", version),
    {
      sql:
        "INSERT INTO meta (key, value) SELECT 'published_seq', value FROM meta WHERE key = 'push_seq'" +
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      params: [],
    },
  ];
}
