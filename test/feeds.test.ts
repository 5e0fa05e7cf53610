// The three feed endpoints over the real content, read back with independent parsers,
// at a fixed clock: the content's scheduled articles stay in the future whatever the date.
import { describe, expect, inject, it } from "vitest";
import index from "../.generated/content-index.js";
import type { Article } from "../src/content/article.js";
import { BundledStore } from "../src/store/bundled.js";
import { appOver, ORIGIN, worker } from "./support/app.js";
import { checkJsonFeed, type JsonFeedItem } from "./support/jsonfeed-schema.js";
import { type ParsedItem, readAtom, readRss } from "./support/parse.js";

const ENDPOINTS = [
  { path: "/rss.xml", type: "application/rss+xml; charset=utf-8" },
  { path: "/atom.xml", type: "application/atom+xml; charset=utf-8" },
  { path: "/feed.json", type: "application/feed+json; charset=utf-8" },
];

const TAG_PREFIX = "tag:127.0.0.1,2026:";
/** After every past record of content/, before its two scheduled ones (2027-03 and 2030-06). */
const CONTENT_NOW = Date.parse("2026-12-01T00:00:00Z");
const app = appOver(new BundledStore(index), CONTENT_NOW);
const visible = (now = CONTENT_NOW) => index.articles.filter((article) => article.publishedMs <= now);

async function body(path: string): Promise<string> {
  const response = await app(path);
  expect(response.status, path).toBe(200);
  return response.text();
}

async function json(path: string) {
  return JSON.parse(await body(path)) as Record<string, unknown> & { items: JsonFeedItem[] };
}

const labels = (article: Article) => [
  ...(article.category ? [article.category.label] : []),
  ...article.topics.map((topic) => topic.label),
];

/** The fields RSS and Atom carry alike, read back and compared with the compiled article. */
function expectSameArticle(item: ParsedItem, article: Article) {
  expect(item.id).toBe(TAG_PREFIX + article.id);
  expect(item.title).toBe(article.title);
  expect(item.link).toBe(article.url);
  expect(item.author).toBe(article.provider?.name);
  expect(item.content).toBe(article.contentHtml);
  expect(item.categories).toEqual(labels(article));
  expect(item.via).toBe(article.externalUrl);
  expect(item.related).toEqual(article.related.map((related) => related.url));
}

describe.each(ENDPOINTS)("$path", ({ path, type }) => {
  it("answers 200 with its content type, nosniff and CORS", async () => {
    const response = await worker(path);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe(type);
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });

  it("answers the same bytes twice (rendering twice is tested in cache.test.ts)", async () => {
    expect(await body(path)).toBe(await body(path));
  });

  it("leaves out drafts, scheduled articles and every secured payload", async () => {
    const text = await body(`${path}?limit=100`);
    const drafts = inject("draftIds");
    expect(drafts.length).toBeGreaterThanOrEqual(3);
    for (const id of drafts) expect(text).not.toContain(id);
    const scheduled = index.articles.filter((article) => article.publishedMs > CONTENT_NOW);
    expect(scheduled.length).toBeGreaterThanOrEqual(2);
    for (const article of scheduled) expect(text).not.toContain(article.id);
    const secrets = inject("securedValues");
    expect(secrets.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(text).not.toContain(secret.slice(0, 24));
  });

  it.each(["0", "101", "-1", "1.5", "ten", "", "1e2"])(
    "rejects limit=%j with a 400 problem naming it",
    async (value) => {
      const response = await app(`${path}?limit=${encodeURIComponent(value)}`);
      expect(response.status).toBe(400);
      expect(response.headers.get("Content-Type")).toBe("application/problem+json; charset=utf-8");
      expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
      const problem = (await response.json()) as { status: number; invalid_params: { name: string }[] };
      expect(problem.status).toBe(400);
      expect(problem.invalid_params.map((param) => param.name)).toEqual(["limit"]);
    },
  );

  it("rejects a repeated limit", async () => {
    const response = await app(`${path}?limit=5&limit=6`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("must be given once");
  });
});

describe("RSS 2.0, read back", () => {
  it("holds the 20 newest visible articles with every field", async () => {
    const feed = readRss(await body("/rss.xml?utm_source=test"));
    const expected = visible().slice(0, 20);
    expect(feed.items).toHaveLength(20);
    expect(feed.title).toBe("Signal Digest");
    expect(feed.updated).toBe(new Date(expected[0]?.published as string).toUTCString());
    expect(feed.selfLinks).toEqual([`${ORIGIN}/rss.xml`]);
    expect(feed.alternates).toEqual({
      "application/atom+xml": `${ORIGIN}/atom.xml`,
      "application/feed+json": `${ORIGIN}/feed.json`,
    });
    feed.items.forEach((item, i) => {
      const article = expected[i] as Article;
      expectSameArticle(item, article);
      expect(Date.parse(item.date)).toBe(article.publishedMs);
      expect(item.date).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
      expect(item.images).toEqual(article.images.map((image) => image.url));
      const [first] = article.images;
      // Every item with an image has its enclosure; an unknown type is the image media range.
      expect(item.enclosures).toEqual(first ? [{ url: first.url, type: first.mimeType ?? "image/*" }] : []);
    });
  });

  it("escapes the plain-text excerpt into HTML for description", async () => {
    const feed = readRss(await body("/rss.xml?limit=100"));
    const quoted = visible().find((article) => article.summary?.includes('"'));
    expect(quoted).toBeDefined();
    const item = feed.items.find((candidate) => candidate.id === TAG_PREFIX + quoted?.id);
    expect(item?.summary).toBe(quoted?.summary?.replaceAll("&", "&amp;").replaceAll('"', "&quot;"));
  });
});

describe("Atom 1.0, read back", () => {
  it("holds the 20 newest visible articles with every field", async () => {
    const feed = readAtom(await body("/atom.xml"));
    const expected = visible().slice(0, 20);
    expect(feed.items).toHaveLength(20);
    expect(feed.updated).toBe(expected[0]?.published);
    expect(feed.selfLinks).toEqual([`${ORIGIN}/atom.xml`]);
    expect(feed.alternates).toEqual({
      "text/html": `${ORIGIN}/`,
      "application/rss+xml": `${ORIGIN}/rss.xml`,
      "application/feed+json": `${ORIGIN}/feed.json`,
    });
    feed.items.forEach((item, i) => {
      const article = expected[i] as Article;
      expectSameArticle(item, article);
      expect(item.date).toBe(article.published);
      expect(item.summary).toBe(article.summary ?? article.title);
      expect(item.enclosures).toEqual(
        article.images.map((image) => ({ url: image.url, type: image.mimeType ?? "image/*" })),
      );
    });
  });
});

describe("JSON Feed 1.1, read back", () => {
  it("is valid JSON Feed 1.1 and holds every field", async () => {
    const feed = await json("/feed.json?limit=100");
    expect(checkJsonFeed(feed)).toEqual([]);
    expect(feed.feed_url).toBe(`${ORIGIN}/feed.json?limit=100`);
    const expected = visible();
    expect(feed.items).toHaveLength(expected.length);
    feed.items.forEach((item, i) => {
      const article = expected[i] as Article;
      expect(item.id).toBe(TAG_PREFIX + article.id);
      expect(item.title).toBe(article.title);
      expect(item.url).toBe(article.url);
      expect(item.external_url).toBe(article.externalUrl);
      expect(item.date_published).toBe(article.published);
      // The excerpt, else the title: no item is blank in any format.
      expect(item.summary).toBe(article.summary ?? article.title);
      if (article.contentHtml) expect(item.content_html).toBe(article.contentHtml);
      else expect(item.content_text).toBe(article.summary ?? article.title);
      expect(item.image).toBe(article.images[0]?.url);
      expect(item.authors?.[0]?.name).toBe(article.provider?.name);
      expect(item.tags ?? []).toEqual(labels(article));
      expect(item._related?.articles.map((related) => related.url) ?? []).toEqual(
        article.related.map((related) => related.url),
      );
    });
  });

  it("gives every article the same id in every format", async () => {
    const [rss, atom, jsonFeed] = await Promise.all([
      body("/rss.xml?limit=100").then(readRss),
      body("/atom.xml?limit=100").then(readAtom),
      json("/feed.json?limit=100"),
    ]);
    const ids = jsonFeed.items.map((item) => item.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(rss.items.map((item) => item.id)).toEqual(ids);
    expect(atom.items.map((item) => item.id)).toEqual(ids);
  });
});

describe("limit", () => {
  it.each([1, 5, 100])("limit=%i returns that many items, at most all visible", async (limit) => {
    const feed = await json(`/feed.json?limit=${limit}`);
    expect(feed.items).toHaveLength(Math.min(limit, visible().length));
  });
});
