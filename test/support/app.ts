// Runs requests through an app built from fixture articles and a fixed clock, in workerd.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { createApp } from "../../src/app.js";
import type { Article } from "../../src/content/article.js";
import { compareArticles } from "../../src/content/order.js";
import { BundledStore } from "../../src/store/bundled.js";
import type { ArticleStore, FeedRequest, SelectQuery } from "../../src/store/store.js";

export const ORIGIN = "http://127.0.0.1:8787";
/** 2026-06-01T12:00:00Z */
export const NOW = Date.UTC(2026, 5, 1, 12);

let counter = 0;
let apps = 0;

/** A compiled article with plausible defaults; each call gets a fresh id and date. */
export function article(overrides: Partial<Article> = {}): Article {
  counter++;
  const publishedMs = overrides.publishedMs ?? Date.UTC(2026, 0, 1) + counter * 60_000;
  return {
    id: `fixture-${counter}`,
    title: `Fixture article ${counter}`,
    url: `https://news.example.com/articles/${counter}`,
    published: new Date(publishedMs).toISOString().replace(".000Z", "Z"),
    publishedMs,
    topics: [],
    images: [],
    related: [],
    ...overrides,
  };
}

/** A store that counts the selections it serves, and every call: a cache hit must make none. */
export class CountingStore implements ArticleStore {
  pages = 0;
  /** Calls of any method, version() included. */
  calls = 0;
  failing = false;
  constructor(private readonly inner: ArticleStore) {}
  version() {
    this.calls++;
    return this.inner.version();
  }
  select(query: SelectQuery) {
    this.calls++;
    this.pages++;
    if (this.failing) return Promise.reject(new Error("store unavailable"));
    return this.inner.select(query);
  }
  feed(request: FeedRequest) {
    this.calls++;
    this.pages++;
    if (this.failing) return Promise.reject(new Error("store unavailable"));
    return this.inner.feed(request);
  }
  neighbours(...args: Parameters<ArticleStore["neighbours"]>) {
    this.calls++;
    return this.inner.neighbours(...args);
  }
  term(...args: Parameters<ArticleStore["term"]>) {
    this.calls++;
    return this.inner.term(...args);
  }
  catalog(now: number, latest?: number) {
    this.calls++;
    return this.inner.catalog(now, latest);
  }
  changes(...args: Parameters<ArticleStore["changes"]>) {
    this.calls++;
    return this.inner.changes(...args);
  }
}

/**
 * An app over fixture articles, with its own content version (so its cache entries
 * are its own), a clock the test moves, and a counting store.
 */
export function fixtureApp(articles: Article[], start = NOW, vars: Record<string, string> = {}) {
  const sorted = [...articles].sort(compareArticles);
  return appOver(new BundledStore({ version: nextVersion(), articles: sorted }), start, vars);
}

/** A content version no other fixture uses. */
export const nextVersion = () => `fixture-${++apps}`;

/** An app over any store, with a clock the test moves; its store counts selections. */
export function appOver(inner: ArticleStore, start = NOW, vars: Record<string, string> = {}) {
  const clock = { now: start };
  const store = new CountingStore(inner);
  const app = createApp({ store, now: () => clock.now });
  const appEnv = { ...env, ...vars };
  const fetchFeed = async (path: string, init?: RequestInit) => {
    const ctx = createExecutionContext();
    const response = await app.fetch(new Request(`${ORIGIN}${path}`, init), appEnv, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  };
  return Object.assign(fetchFeed, { clock, store, env: appEnv });
}

/** The deployed Worker itself (bundled content, real clock), as a client reaches it. */
export function worker(path: string, init?: RequestInit): Promise<Response> {
  return (exports as unknown as { default: Fetcher }).default.fetch(`${ORIGIN}${path}`, init);
}
