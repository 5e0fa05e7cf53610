// Top feeds (`/top/…`, `/topics/<slug>/top/…`) in both stores: the best articles by
// quality within a window that moves with the injected clock, ties by date then id; the
// cached copy ends when an article on it leaves the window or a scheduled one enters.
import { describe, expect, it } from "vitest";
import type { Article } from "../src/content/article.js";
import { article, NOW } from "./support/app.js";
import { checkJsonFeed } from "./support/jsonfeed-schema.js";
import { readAtom, readRss } from "./support/parse.js";
import { STORE_KINDS, storeApp } from "./support/stores.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const AI = { label: "AI", slug: "ai" };
const at = (ms: number) => ({ publishedMs: ms, published: new Date(ms).toISOString().replace(".000Z", "Z") });

const records = (): Article[] => [
  article({ id: "t0", ...at(NOW - DAY), quality: 90 }),
  article({ id: "t1", ...at(NOW - DAY), quality: 90 }),
  article({ id: "t2", ...at(NOW - 2 * DAY), quality: 90, title: "Quantum top" }),
  // Leaves the 7-day window at NOW + 1 h.
  article({ id: "t3", ...at(NOW - 7 * DAY + HOUR), quality: 95 }),
  article({ id: "t4", ...at(NOW - 8 * DAY), quality: 99 }),
  article({ id: "t5", ...at(NOW - HOUR), quality: 50, topics: [AI] }),
  article({ id: "t6", ...at(NOW - 2 * HOUR), topics: [AI] }),
  // Scheduled: enters every window at NOW + 2 h.
  article({ id: "t7", ...at(NOW + 2 * HOUR), quality: 100, topics: [AI] }),
  article({ id: "t8", ...at(NOW - 20 * HOUR), quality: 70, title: "Quantum else" }),
  article({ id: "t9", ...at(NOW - 40 * DAY), quality: 100 }),
];

type Fetch = (path: string, init?: RequestInit) => Promise<Response>;

async function top(fetchFeed: Fetch, path: string) {
  const response = await fetchFeed(path);
  expect(response.status, path).toBe(200);
  const doc = (await response.json()) as { title: string; feed_url: string; items: { id: string }[] };
  expect(checkJsonFeed(doc), path).toEqual([]);
  const maxAge = Number(/max-age=(\d+)/.exec(response.headers.get("Cache-Control") ?? "")?.[1]);
  return { ids: doc.items.map((item) => item.id.replace(/^.*:/, "")), doc, maxAge, response };
}

for (const kind of STORE_KINDS) {
  describe(`top feeds (${kind} store)`, () => {
    it("lists the last 7 days by quality, ties by date then id, unrated last", async () => {
      const fetchFeed = storeApp(kind, records());
      const { ids, doc } = await top(fetchFeed, "/top/feed.json");
      expect(ids).toEqual(["t3", "t0", "t1", "t2", "t8", "t5", "t6"]);
      expect(doc.title).toMatch(/^Top articles of the last 7 days — /);
      expect(doc.feed_url).toBe("http://127.0.0.1:8787/top/feed.json");
    });

    it("moves with the clock: an article leaves at its time plus the window, the lifetime ends then", async () => {
      const fetchFeed = storeApp(kind, records());
      const first = await top(fetchFeed, "/top/feed.json");
      // t3 leaves in one hour: no copy may outlive that.
      expect(first.maxAge).toBeLessThanOrEqual(3600);
      fetchFeed.clock.now = NOW + HOUR - 1;
      expect((await top(fetchFeed, "/top/feed.json")).ids[0]).toBe("t3");
      fetchFeed.clock.now = NOW + HOUR;
      const after = await top(fetchFeed, "/top/feed.json");
      expect(after.ids).toEqual(["t0", "t1", "t2", "t8", "t5", "t6"]);
      // The next change is the scheduled t7, one hour on.
      expect(after.maxAge).toBeLessThanOrEqual(3600);
      fetchFeed.clock.now = NOW + 2 * HOUR;
      expect((await top(fetchFeed, "/top/feed.json")).ids.slice(0, 2)).toEqual(["t7", "t0"]);
    });

    it("windows of 1 and 30 days; an article exactly one window old is out", async () => {
      const fetchFeed = storeApp(kind, records());
      expect((await top(fetchFeed, "/top/feed.json?window=1d")).ids).toEqual(["t8", "t5", "t6"]);
      // One millisecond earlier (another app: a clock never runs back into a fresh copy).
      const earlier = storeApp(kind, records(), NOW - 1);
      expect((await top(earlier, "/top/feed.json?window=1d")).ids).toEqual(["t0", "t1", "t8", "t5", "t6"]);
      const month = await top(fetchFeed, "/top/feed.json?window=30d");
      expect(month.ids).toEqual(["t4", "t3", "t0", "t1", "t2", "t8", "t5", "t6"]);
      expect(month.doc.feed_url).toBe("http://127.0.0.1:8787/top/feed.json?window=30d");
    });

    it("scopes by term, filters, keywords and limit, in every format", async () => {
      const fetchFeed = storeApp(kind, records());
      expect((await top(fetchFeed, "/topics/ai/top/feed.json")).ids).toEqual(["t5", "t6"]);
      expect((await top(fetchFeed, "/top/feed.json?limit=2")).ids).toEqual(["t3", "t0"]);
      expect((await top(fetchFeed, "/top/feed.json?q=quantum")).ids).toEqual(["t2", "t8"]);
      expect((await top(fetchFeed, "/top/feed.json?minQuality=91")).ids).toEqual(["t3"]);
      const atom = readAtom(await (await fetchFeed("/topics/ai/top/atom.xml")).text());
      expect(atom.title).toMatch(/^AI: top articles of the last 7 days — /);
      expect(atom.selfLinks).toEqual(["http://127.0.0.1:8787/topics/ai/top/atom.xml"]);
      const rss = readRss(await (await fetchFeed("/top/rss.xml?window=1d")).text());
      expect(rss.items.map((item) => item.id)).toEqual(
        (await top(fetchFeed, "/top/feed.json?window=1d")).ids.map((id) => expect.stringContaining(id)),
      );
      expect((await fetchFeed("/topics/nowhere/top/feed.json")).status).toBe(404);
    });

    it("gives each article the id it has in every other feed", async () => {
      const fetchFeed = storeApp(kind, records());
      const main = (await (await fetchFeed("/feed.json?limit=100")).json()) as { items: { id: string }[] };
      const best = (await top(fetchFeed, "/top/feed.json?window=30d")).doc.items.map((item) => item.id);
      for (const id of best) expect(main.items.map((item) => item.id)).toContain(id);
      const mainAtom = readAtom(await (await fetchFeed("/atom.xml?limit=100")).text());
      const topAtom = readAtom(await (await fetchFeed("/top/atom.xml")).text());
      for (const entry of topAtom.items) expect(mainAtom.items.map((item) => item.id)).toContain(entry.id);
    });

    it("opens in a browser as the readable view, cached apart", async () => {
      const fetchFeed = storeApp(kind, records());
      const headers = { Accept: "text/html", "Sec-Fetch-Dest": "document" };
      const page = await fetchFeed("/top/rss.xml", { headers });
      expect(page.status).toBe(200);
      expect(page.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
      expect(await page.text()).toContain("Top articles of the last 7 days");
      expect((await fetchFeed("/top/rss.xml")).headers.get("Content-Type")).toBe("application/rss+xml; charset=utf-8");
    });

    it("names one view by one key: the default window is left out", async () => {
      const fetchFeed = storeApp(kind, records());
      expect((await fetchFeed("/top/feed.json")).headers.get("X-Cache")).toBe("MISS");
      expect((await fetchFeed("/top/feed.json?window=7d&utm=x")).headers.get("X-Cache")).toBe("HIT");
      expect((await fetchFeed("/top/feed.json?window=30d")).headers.get("X-Cache")).toBe("MISS");
    });

    it.each([
      ["/top/feed.json?window=2d", "window", "1d, 7d or 30d"],
      ["/top/feed.json?window=1d&window=7d", "window", "once"],
      ["/top/rss.xml?before=1.t0", "before", "one page"],
      ["/top/atom.xml?q=", "q", "at least one word"],
    ])("%s is a 400 naming %s", async (path, name, reason) => {
      const fetchFeed = storeApp(kind, records());
      const response = await fetchFeed(path);
      expect(response.status).toBe(400);
      const problem = (await response.json()) as { invalid_params: { name: string; reason: string }[] };
      expect(problem.invalid_params).toEqual([{ name, reason: expect.stringContaining(reason) }]);
    });
  });
}
