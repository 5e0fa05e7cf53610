// Writes fixture articles into the test D1 database, row for row as `npm run content:push`
// does (its batched form is scripts/push/rows.ts; the store tests compare the two stores).
import type { Article } from "../../src/content/article.js";

/** Inserts or updates one article and its topics (an update, not a REPLACE: see the migration). */
export function writeArticle(db: D1Database, article: Article, contentHash: string): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `INSERT INTO articles (id, published_ms, type, quality, provider_slug, category_slug, content_hash, data)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET published_ms = excluded.published_ms, type = excluded.type,
           quality = excluded.quality, provider_slug = excluded.provider_slug, category_slug = excluded.category_slug,
           content_hash = excluded.content_hash, data = excluded.data`,
      )
      .bind(
        article.id,
        article.publishedMs,
        article.type ?? null,
        article.quality ?? null,
        article.provider?.slug ?? null,
        article.category?.slug ?? null,
        contentHash,
        JSON.stringify(article),
      ),
    db.prepare("DELETE FROM article_topics WHERE article_id = ?").bind(article.id),
    ...article.topics.map((topic) =>
      db
        .prepare("INSERT INTO article_topics (topic_slug, article_id, published_ms) VALUES (?, ?, ?)")
        .bind(topic.slug, article.id, article.publishedMs),
    ),
  ];
}

export function deleteArticle(db: D1Database, id: string): D1PreparedStatement[] {
  return [
    db.prepare("DELETE FROM article_topics WHERE article_id = ?").bind(id),
    db.prepare("DELETE FROM articles WHERE id = ?").bind(id),
  ];
}

/**
 * The labels of every topic, provider and category the articles (newest first) use,
 * replacing the old ones. As in the bundled index, the newest article to use a slug
 * gives it its label.
 */
export function writeTerms(db: D1Database, articles: readonly Article[]): D1PreparedStatement[] {
  const terms = new Map<string, [string, string, string]>();
  const add = (kind: string, slug: string, label: string) => {
    if (!terms.has(`${kind}:${slug}`)) terms.set(`${kind}:${slug}`, [kind, slug, label]);
  };
  for (const article of articles) {
    for (const topic of article.topics) add("topic", topic.slug, topic.label);
    if (article.provider) add("provider", article.provider.slug, article.provider.name);
    if (article.category) add("category", article.category.slug, article.category.label);
  }
  return [
    db.prepare("DELETE FROM terms"),
    ...[...terms.values()].map((row) =>
      db.prepare("INSERT INTO terms (kind, slug, label) VALUES (?, ?, ?)").bind(...row),
    ),
  ];
}

export function writeVersion(db: D1Database, version: string): D1PreparedStatement {
  return db
    .prepare(
      "INSERT INTO meta (key, value) VALUES ('version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(version);
}
