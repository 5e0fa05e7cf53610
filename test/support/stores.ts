// The two stores over the same fixture articles, so feed tests run against both.
import { env } from "cloudflare:workers";
import type { Article } from "../../src/content/article.js";
import { compareArticles } from "../../src/feed/select.js";
import { BundledStore } from "../../src/store/bundled.js";
import { D1Store } from "../../src/store/d1.js";
import type { ArticleStore } from "../../src/store/store.js";
import { appOver, NOW, nextVersion } from "./app.js";
import { writeArticle, writeTerms, writeVersion } from "./d1-rows.js";

export type StoreKind = "bundled" | "d1";
export const STORE_KINDS: StoreKind[] = ["bundled", "d1"];

/** Replaces the test database's content with these articles. */
export async function loadD1(articles: readonly Article[], version: string): Promise<void> {
  loaded = version;
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

/** The version of the articles the test database holds now. */
let loaded: string | undefined;

/**
 * `fixtureApp` over either store. A D1-backed app (re)loads its articles into the one
 * test database before each request whenever another fixture has replaced them since.
 */
export function storeApp(
  kind: StoreKind,
  articles: readonly Article[],
  start = NOW,
  vars: Record<string, string> = {},
) {
  const sorted = [...articles].sort(compareArticles);
  const version = nextVersion();
  if (kind === "bundled") return appOver(new BundledStore({ version, articles: sorted }), start, vars);
  const fetchFeed = appOver(new D1Store(env.DB), start, vars);
  const ensureLoaded = async (path: string, init?: RequestInit) => {
    if (loaded !== version) {
      await loadD1(sorted, version);
      loaded = version;
    }
    return fetchFeed(path, init);
  };
  return Object.assign(ensureLoaded, { clock: fetchFeed.clock, store: fetchFeed.store, env: fetchFeed.env });
}

export type FeedFetcher = ReturnType<typeof storeApp>;
