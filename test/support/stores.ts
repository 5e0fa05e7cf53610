// The two stores over the same fixture articles, so feed tests run against both.
import { env } from "cloudflare:workers";
import type { Article } from "../../src/content/article.js";
import { compareArticles } from "../../src/feed/select.js";
import { BundledStore } from "../../src/store/bundled.js";
import { D1Store } from "../../src/store/d1.js";
import type { ArticleStore } from "../../src/store/store.js";
import { writeArticle, writeTerms, writeVersion } from "./d1-rows.js";

export type StoreKind = "bundled" | "d1";
export const STORE_KINDS: StoreKind[] = ["bundled", "d1"];

/** Replaces the test database's content with these articles. */
export async function loadD1(articles: readonly Article[], version: string): Promise<void> {
  await env.DB.batch([env.DB.prepare("DELETE FROM article_topics"), env.DB.prepare("DELETE FROM articles")]);
  const statements = articles.flatMap((article) => writeArticle(env.DB, article, "fixture"));
  for (let i = 0; i < statements.length; i += 200) await env.DB.batch(statements.slice(i, i + 200));
  await env.DB.batch([...writeTerms(env.DB, articles), writeVersion(env.DB, version)]);
}

export async function makeStore(kind: StoreKind, articles: readonly Article[], version: string): Promise<ArticleStore> {
  const sorted = [...articles].sort(compareArticles);
  if (kind === "bundled") return new BundledStore({ version, articles: sorted });
  await loadD1(sorted, version);
  return new D1Store(env.DB);
}
