// The request pipeline: a hit and a 304 make no store call for any kind of view, keys
// hold every setting, lifetimes end at a month boundary, HEAD carries Content-Length.
import { describe, expect, it } from "vitest";
import { article } from "./support/app.js";
import { parseAtom } from "./support/pipeline-parse.js";
import { STORE_KINDS, storeApp } from "./support/stores.js";

const at = (ms: number) => ({ publishedMs: ms, published: new Date(ms).toISOString().replace(".000Z", "Z") });
const MAY_20 = Date.UTC(2026, 4, 20, 12);
const JUNE_1 = Date.UTC(2026, 5, 1);

function corpus() {
  const provider = { name: "Nature", domain: "nature.com", slug: "nature" };
  const category = { label: "Research", slug: "research" };
  const topics = [{ label: "AI", slug: "ai" }];
  return [
    article({ ...at(Date.UTC(2026, 3, 10)), provider, category, topics, quality: 80, type: "article" }),
    article({ ...at(Date.UTC(2026, 4, 10)), provider, category, topics, quality: 40, type: "article" }),
  ];
}

const VIEWS = [
  ["all", "/atom.xml"],
  ["topic", "/topics/ai/feed.json"],
  ["provider", "/providers/nature/rss.xml"],
  ["category", "/categories/research/atom.xml"],
  ["filtered", "/feed.json?topic=ai&minQuality=50&type=article"],
  ["paged", "/atom.xml?limit=1"],
  ["archive", "/archive/2026-04/rss.xml"],
  ["topic archive", "/topics/ai/archive/2026-04/atom.xml"],
  ["home page", "/"],
  ["term page", "/topics/ai/"],
  ["OPML", "/feeds.opml"],
  ["keyword", "/feed.json?q=Fixture+article&exclude=nothing"],
  ["top", "/top/atom.xml?window=30d"],
  ["topic top", "/topics/ai/top/rss.xml"],
] as const;

const READABLE = { Accept: "text/html", "Sec-Fetch-Dest": "document" };

describe.each(STORE_KINDS)("with the %s store", (kind) => {
  it.each(VIEWS)("answers a hit and a 304 of the %s view without a store call", async (_, path) => {
    const fetchFeed = storeApp(kind, corpus(), MAY_20);
    const first = await fetchFeed(path);
    expect(first.status, await first.clone().text()).toBe(200);
    expect(first.headers.get("X-Cache")).toBe("MISS");
    const calls = fetchFeed.store.calls;
    const hit = await fetchFeed(path);
    expect(hit.headers.get("X-Cache")).toBe("HIT");
    expect(await hit.text()).toBe(await first.text());
    const etag = first.headers.get("ETag") as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    const notModified = await fetchFeed(path, { headers: { "If-None-Match": etag } });
    expect(notModified.status).toBe(304);
    expect(fetchFeed.store.calls).toBe(calls);
  });

  it("answers a hit of the readable view without a store call", async () => {
    const fetchFeed = storeApp(kind, corpus(), MAY_20);
    await fetchFeed("/rss.xml", { headers: READABLE });
    const calls = fetchFeed.store.calls;
    const hit = await fetchFeed("/rss.xml", { headers: READABLE });
    expect(hit.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    expect(hit.headers.get("X-Cache")).toBe("HIT");
    expect(fetchFeed.store.calls).toBe(calls);
  });

  it("caps an HTML page's lifetime at the next scheduled article and sends a validator", async () => {
    const scheduled = article({ ...at(MAY_20 + 120_000), title: "Scheduled" });
    const fetchFeed = storeApp(kind, [...corpus(), scheduled], MAY_20);
    const page = await fetchFeed("/");
    expect(page.headers.get("Cache-Control")).toContain("max-age=120,");
    expect(page.headers.get("ETag")).toMatch(/^"/);
    fetchFeed.clock.now = MAY_20 + 120_000;
    const after = await fetchFeed("/");
    expect(after.headers.get("X-Cache")).toBe("MISS");
    expect(after.headers.get("ETag")).not.toBe(page.headers.get("ETag"));
  });

  it("keys entries by every setting: the same cache under two configurations gives two bodies", async () => {
    const articles = corpus();
    const one = storeApp(kind, articles, MAY_20);
    const other = storeApp(kind, articles, MAY_20, { SITE_TITLE: "Another Title", WEBSUB_HUB: "https://hub.example/" });
    // Both apps' stores report one content version, as one deploy with new [vars] does.
    other.store.version = one.store.version.bind(one.store);
    const before = await one("/atom.xml");
    expect(await before.text()).toContain("Signal Digest");
    const after = await other("/atom.xml");
    expect(after.headers.get("X-Cache")).toBe("MISS");
    const body = await after.text();
    expect(body).toContain("Another Title");
    expect(after.headers.get("Link")).toContain('<https://hub.example/>; rel="hub"');
  });

  describe("across a month boundary", () => {
    it("adds the archive's next-archive link when its next month ends", async () => {
      const fetchFeed = storeApp(kind, corpus(), MAY_20);
      const may = parseAtom(await (await fetchFeed("/archive/2026-04/atom.xml")).text());
      expect(may.links["next-archive"]).toBeUndefined();
      fetchFeed.clock.now = JUNE_1 - 1000;
      expect((await fetchFeed("/archive/2026-04/atom.xml")).headers.get("X-Cache")).toBe("HIT");
      fetchFeed.clock.now = JUNE_1 + 1000;
      const june = await fetchFeed("/archive/2026-04/atom.xml");
      expect(june.headers.get("X-Cache")).toBe("MISS");
      expect(parseAtom(await june.text()).links["next-archive"]).toBe("http://127.0.0.1:8787/archive/2026-05/atom.xml");
    });

    it("moves the first page's prev-archive to the month that just ended", async () => {
      const fetchFeed = storeApp(kind, corpus(), JUNE_1 - 60_000);
      const before = await fetchFeed("/atom.xml");
      expect(before.headers.get("Cache-Control")).toContain("max-age=60,");
      expect(parseAtom(await before.text()).links["prev-archive"]).toBe(
        "http://127.0.0.1:8787/archive/2026-04/atom.xml",
      );
      fetchFeed.clock.now = JUNE_1;
      const after = await fetchFeed("/atom.xml");
      expect(after.headers.get("X-Cache")).toBe("MISS");
      expect(parseAtom(await after.text()).links["prev-archive"]).toBe(
        "http://127.0.0.1:8787/archive/2026-05/atom.xml",
      );
    });
  });

  it.each(["/atom.xml", "/", "/feeds.opml"])("answers HEAD %s with the Content-Length of the GET", async (path) => {
    const fetchFeed = storeApp(kind, corpus(), MAY_20);
    const get = await fetchFeed(path);
    const bytes = (await get.arrayBuffer()).byteLength;
    for (let i = 0; i < 2; i++) {
      const head = await fetchFeed(path, { method: "HEAD" });
      expect(head.headers.get("Content-Length")).toBe(String(bytes));
      expect(head.headers.get("ETag")).toBe(get.headers.get("ETag"));
      expect(await head.text()).toBe("");
    }
  });
});
