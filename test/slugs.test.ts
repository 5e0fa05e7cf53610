// Slugs of every script through the Worker, both stores: the composed spelling a browser
// sends answers 200 on the path and in ?topic=, a decomposed spelling finds the same term,
// and C++, C# and C are three feeds. The record is test/fixtures/hostile/slug-scripts.md.
import { describe, expect, inject, it } from "vitest";
import { STORE_KINDS, storeApp } from "./support/stores.js";

const corpus = inject("hostile");
const record = corpus.articles.find((article) => article.id === "slug-scripts");

/** The slugs as the slug rules write them (docs/content-html.md), for labels of slug-scripts.md. */
const TOPICS: [label: string, slug: string][] = [
  ["C++", "c-plus-plus"],
  ["C#", "c-sharp"],
  ["C", "c"],
  ["ガス", "\u30ac\u30b9"],
  ["カス", "\u30ab\u30b9"],
  ["인공지능", "\uc778\uacf5\uc9c0\ub2a5"],
  ["ラーメン", "\u30e9\u30fc\u30e1\u30f3"],
  ["Ελλάδα", "\u03b5\u03bb\u03bb\u03b1\u03b4\u03b1"],
  ["Straße", "strasse"],
  ["İstanbul", "istanbul"],
];

// Generous: a D1 fixture load per test on a shared machine.
describe.each(STORE_KINDS)("slugs in URLs, %s store", { timeout: 60_000 }, (kind) => {
  const fetchFeed = () => storeApp(kind, corpus.articles, corpus.now);

  it("compiles every label of the record to its slug", () => {
    expect(record?.topics).toEqual(TOPICS.map(([label, slug]) => ({ label, slug })));
  });

  it.each(TOPICS)("answers %s at /topics/%s/ and in ?topic=", async (label, slug) => {
    const app = fetchFeed();
    const page = await app(`/topics/${encodeURIComponent(slug)}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(label.replace(/&/g, "&amp;"));
    const feed = await app(`/topics/${encodeURIComponent(slug)}/feed.json`);
    expect(feed.status).toBe(200);
    const json = (await feed.json()) as { title: string; items: { url: string }[] };
    expect(json.title).toContain(label);
    // The record's article, and every other visible one with the topic (ガス is in html-old.md too).
    const expected = corpus.articles
      .filter((article) => article.publishedMs <= corpus.now && article.topics.some((topic) => topic.label === label))
      .map((article) => article.url);
    expect(expected).toContain(record?.url);
    expect(json.items.map((item) => item.url).sort()).toEqual(expected.sort());
    const filtered = await app(`/feed.json?topic=${encodeURIComponent(slug)}`);
    expect(filtered.status).toBe(200);
    expect(((await filtered.json()) as { items: unknown[] }).items.length).toBe(expected.length);
  });

  it("finds a term by a decomposed spelling too (NFD Hangul, combining voiced mark)", async () => {
    const app = fetchFeed();
    for (const slug of ["\uc778\uacf5\uc9c0\ub2a5", "\u30ac\u30b9"]) {
      const decomposed = encodeURIComponent(slug.normalize("NFD"));
      expect(decomposed).not.toBe(encodeURIComponent(slug));
      expect((await app(`/topics/${decomposed}/rss.xml`)).status, slug).toBe(200);
      expect((await app(`/rss.xml?topic=${decomposed}`)).status, slug).toBe(200);
    }
  });

  it("keeps C++, C# and C apart, and ガス apart from カス", async () => {
    const app = fetchFeed();
    const titles = async (slug: string) =>
      ((await (await app(`/topics/${encodeURIComponent(slug)}/feed.json`)).json()) as { title: string }).title;
    const names = await Promise.all(["c-plus-plus", "c-sharp", "c", "\u30ac\u30b9", "\u30ab\u30b9"].map(titles));
    expect(new Set(names).size).toBe(5);
  });

  it.each([
    ["c++", "upper case and symbols"],
    ["C", "upper case"],
    ["ai--ml", "two hyphens"],
    ["\u1109\u1165", "jamo composing to 서, a slug no record has"],
  ])("refuses ?topic=%s (%s) with a 400 naming topic", async (value) => {
    const response = await fetchFeed()(`/feed.json?topic=${encodeURIComponent(value)}`);
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { invalid_params: { name: string }[] };
    expect(problem.invalid_params.map((param) => param.name)).toEqual(["topic"]);
  });

  it("names an unknown well-formed slug in its 404, and echoes nothing else", async () => {
    const app = fetchFeed();
    const known = await app(`/topics/${encodeURIComponent("\ub2e4\ub978-\uc8fc\uc81c")}/`);
    expect(known.status).toBe(404);
    expect(((await known.json()) as { detail: string }).detail).toBe("There is no topic \ub2e4\ub978-\uc8fc\uc81c.");
    const hostile = await app(`/topics/${encodeURIComponent("<b>C++</b>")}/`);
    expect(hostile.status).toBe(404);
    expect(((await hostile.json()) as { detail: string }).detail).toBe("There is no topic at this address.");
  });
});
