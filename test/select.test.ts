// The request path reads only the page it returns: a counting array stands in for the
// corpus and records every article it hands out.

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { siteConfig } from "../src/config.js";
import type { Article } from "../src/content/article.js";
import { compareArticles } from "../src/content/order.js";
import { renderAtom } from "../src/feed/atom.js";
import { ArticleIndex } from "../src/feed/select.js";
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
  return { index: new ArticleIndex(counted), reads, articles };
}

describe("the request path", () => {
  it("reads the page's 20 articles and a binary search's worth, of 10,000", () => {
    const { index, reads } = countingCorpus(10_000);
    reads.clear();
    const page = index.select({ filters: { topics: [] }, now: NOW, limit: 20 });
    const body = new TextDecoder().decode(
      renderAtom(
        feedView(
          siteConfig(env),
          { key: "all", homeUrl: "/", links: { rss: "", atom: "", json: "" }, nav: {}, archive: false },
          page.items,
        ),
      ).bytes,
    );
    expect(page.items).toHaveLength(20);
    expect(body.match(/<entry>/g)).toHaveLength(20);
    expect(page.total).toBe(10_000 - 7200);
    // 20 items, the one before them (the next scheduled), and log2(10,000) ≈ 14 probes.
    expect(reads.size).toBeLessThanOrEqual(20 + 1 + 15);
  });

  it("reads no more for page 100 than for page 1, its paging links included", () => {
    const { index, reads, articles } = countingCorpus(10_000);
    // Page 100 starts after the 1,980th visible article (7,200 are scheduled).
    const { publishedMs, id } = articles[7200 + 99 * 20 - 1] as Article;
    reads.clear();
    const page = index.select({
      filters: { topics: [] },
      now: NOW,
      limit: 20,
      before: { publishedMs, id },
      paging: true,
    });
    expect(page.items.map((item) => item.id)).toEqual(articles.slice(9180, 9200).map((item) => item.id));
    expect(page.previous).toEqual({ publishedMs: articles[9159]?.publishedMs, id: articles[9159]?.id });
    expect(page.last).toEqual({ publishedMs: articles[9979]?.publishedMs, id: articles[9979]?.id });
    // The page and the one after it, the 21 newer for the previous link, the one before
    // the last page, the next scheduled, and two binary searches.
    expect(reads.size).toBeLessThanOrEqual(21 + 21 + 1 + 1 + 2 * 15);
  });

  it("answers a topic feed from the topic's own index", () => {
    const { index, reads } = countingCorpus(10_000);
    reads.clear();
    const page = index.select({ filters: { topics: ["ai"] }, now: NOW, limit: 20 });
    expect(page.items).toHaveLength(20);
    // The topic index is its own array: the corpus itself is not read at all.
    expect(reads.size).toBe(0);
  });
});
