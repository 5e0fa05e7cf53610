// The request path reads only the page it returns: a counting array stands in for the
// corpus and records every article it hands out.

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { siteConfig } from "../src/config.js";
import { renderAtom } from "../src/feed/atom.js";
import { ArticleIndex, compareArticles } from "../src/feed/select.js";
import { feedView } from "../src/feed/view.js";
import { article, NOW } from "./support/app.js";

const DAY = 86_400_000;
const AI = { label: "AI", slug: "ai" };

/** A sorted corpus of `n` articles behind a proxy that counts element reads. */
function countingCorpus(n: number) {
  const articles = Array.from({ length: n }, (_, i) => {
    const publishedMs = NOW + 5 * DAY - i * 60_000;
    return article({
      id: `a${i}`,
      publishedMs,
      published: new Date(publishedMs).toISOString(),
      topics: i % 4 ? [] : [AI],
    });
  }).sort(compareArticles);
  const reads = new Set<number>();
  const counted = new Proxy(articles, {
    get(target, key, receiver) {
      if (typeof key === "string" && /^\d+$/.test(key)) reads.add(Number(key));
      return Reflect.get(target, key, receiver);
    },
  });
  return { index: new ArticleIndex(counted), reads };
}

describe("the request path", () => {
  it("reads the page's 20 articles and a binary search's worth, of 10,000", () => {
    const { index, reads } = countingCorpus(10_000);
    reads.clear();
    const page = index.select({ filters: { topics: [] }, now: NOW, offset: 0, limit: 20 });
    const body = renderAtom(
      feedView(
        siteConfig(env),
        { key: "all", homeUrl: "/", links: { rss: "", atom: "", json: "" }, nav: {}, archive: false },
        page.items,
      ),
    );
    expect(page.items).toHaveLength(20);
    expect(body.match(/<entry>/g)).toHaveLength(20);
    expect(page.total).toBe(10_000 - 7200);
    // 20 items, the one before them (the next scheduled), and log2(10,000) ≈ 14 probes.
    expect(reads.size).toBeLessThanOrEqual(20 + 1 + 15);
  });

  it("reads no more for page 100 than for page 1", () => {
    const { index, reads } = countingCorpus(10_000);
    reads.clear();
    index.select({ filters: { topics: [] }, now: NOW, offset: 99 * 20, limit: 20 });
    expect(reads.size).toBeLessThanOrEqual(20 + 1 + 15);
  });

  it("answers a topic feed from the topic's own index", () => {
    const { index, reads } = countingCorpus(10_000);
    reads.clear();
    const page = index.select({ filters: { topics: ["ai"] }, now: NOW, offset: 0, limit: 20 });
    expect(page.items).toHaveLength(20);
    // The topic index is its own array: the corpus itself is not read at all.
    expect(reads.size).toBe(0);
  });
});
