// Runs requests through an app built from fixture articles and a fixed clock, in workerd.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { createApp } from "../../src/app.js";
import type { Article } from "../../src/content/article.js";
import { compareArticles } from "../../src/feed/select.js";
import { BundledStore } from "../../src/store/bundled.js";

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

export function fixtureApp(articles: Article[], now = NOW) {
  const sorted = [...articles].sort(compareArticles);
  const app = createApp({
    store: new BundledStore({ version: `fixture-${++apps}`, articles: sorted }),
    now: () => now,
  });
  return async (path: string, init?: RequestInit) => {
    const ctx = createExecutionContext();
    const response = await app.fetch(new Request(`${ORIGIN}${path}`, init), env, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  };
}

/** The deployed Worker itself (bundled content, real clock), as a client reaches it. */
export function worker(path: string, init?: RequestInit): Promise<Response> {
  return (exports as unknown as { default: Fetcher }).default.fetch(`${ORIGIN}${path}`, init);
}
