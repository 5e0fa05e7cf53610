// The statements a push writes into the D1 schema (migrations/): articles and their topics,
// terms, the version. Upserts and deletes only, never REPLACE: the view_counts triggers see them.
import type { Article } from "../../src/content/article.js";
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
  ];
}

/** Deletes articles and their topics (explicitly: the trigger counts each topic row). */
export function deleteArticles(ids: readonly string[]): Statement[] {
  return [
    ...packIn("DELETE FROM article_topics WHERE article_id IN", ids),
    ...packIn("DELETE FROM articles WHERE id IN", ids),
  ];
}

/**
 * Every topic, provider and category label, replacing the old ones. As in the bundled
 * index, the newest article to use a slug (articles come newest first) gives its label.
 */
export function replaceTerms(articles: readonly Article[]): Statement[] {
  const terms = new Map<string, SqlValue[]>();
  const add = (kind: string, slug: string, label: string) => {
    if (!terms.has(`${kind} ${slug}`)) terms.set(`${kind} ${slug}`, [kind, slug, label]);
  };
  for (const article of articles) {
    for (const topic of article.topics) add("topic", topic.slug, topic.label);
    if (article.provider) add("provider", article.provider.slug, article.provider.name);
    if (article.category) add("category", article.category.slug, article.category.label);
  }
  return [
    { sql: "DELETE FROM terms", params: [] },
    ...packRows("INSERT INTO terms (kind, slug, label)", [...terms.values()]),
  ];
}

export function setVersion(version: string): Statement {
  return {
    sql: "INSERT INTO meta (key, value) VALUES ('version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    params: [version],
  };
}
