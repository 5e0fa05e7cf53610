// Keyword feeds (`q=`, `exclude=`) in both stores: words in several scripts, case and
// accents folded, combined with the other filters, paged with stable positions, and one
// cache key per set of words. Expected ids are read off the fixture records below.
import { describe, expect, it } from "vitest";
import type { Article } from "../src/content/article.js";
import { article, NOW } from "./support/app.js";
import { checkJsonFeed } from "./support/jsonfeed-schema.js";
import { readAtom, readRss } from "./support/parse.js";
import { STORE_KINDS, storeApp } from "./support/stores.js";

const HOUR = 3_600_000;
const AI = { label: "AI", slug: "ai" };
const at = (ms: number) => ({ publishedMs: ms, published: new Date(ms).toISOString().replace(".000Z", "Z") });

const records = (): Article[] => [
  article({
    id: "k01",
    ...at(NOW - 1 * HOUR),
    title: "Quantum computing breakthrough",
    summary: "A new AI model",
    topics: [AI],
  }),
  article({ id: "k02", ...at(NOW - 2 * HOUR), title: "Künstliche Intelligenz: QUANTUM-Chips", topics: [AI] }),
  article({ id: "k03", ...at(NOW - 3 * HOUR), title: "量子计算的新进展", summary: "人工智能与量子" }),
  article({ id: "k04", ...at(NOW - 4 * HOUR), title: "Энергия будущего", summary: "Квантовые компьютеры" }),
  article({ id: "k05", ...at(NOW - 5 * HOUR), title: "Quantum football", summary: "Sports, not physics" }),
  article({ id: "k06", ...at(NOW + 1 * HOUR), title: "Quantum embargo", summary: "Scheduled" }),
  article({ id: "k07", ...at(NOW - 6 * HOUR), title: "ガーデンの季節", summary: "Ελληνικά: κβαντική φυσική" }),
  article({ id: "k08", ...at(NOW - 7 * HOUR), title: "Énergie nucléaire", summary: "quantum tunnelling, AI" }),
  // Ties in time: the id orders them, and paging must neither skip nor repeat one.
  article({ id: "k09", ...at(NOW - 8 * HOUR), title: "Quantum tie A" }),
  article({ id: "k10", ...at(NOW - 8 * HOUR), title: "Quantum tie B" }),
  article({ id: "k11", ...at(NOW - 8 * HOUR), title: "Quantum tie C" }),
  article({ id: "k12", ...at(NOW - 9 * HOUR), title: "Nothing to see", summary: "Plain" }),
];

const jsonIds = async (response: Response) => {
  const doc = (await response.json()) as { items: { id: string }[]; next_url?: string };
  expect(checkJsonFeed(doc)).toEqual([]);
  return { ids: doc.items.map((item) => item.id.replace(/^.*:/, "")), next: doc.next_url };
};

/** Every page of a view, following next_url from the first: ids in feed order. */
async function allPages(fetchFeed: (path: string) => Promise<Response>, path: string) {
  const ids: string[] = [];
  let next: string | undefined = path;
  for (let pages = 0; next && pages < 20; pages++) {
    const response = await fetchFeed(next);
    expect(response.status, next).toBe(200);
    const page = await jsonIds(response);
    ids.push(...page.ids);
    next = page.next && new URL(page.next).pathname + new URL(page.next).search;
  }
  return ids;
}

for (const kind of STORE_KINDS) {
  describe(`keyword feeds (${kind} store)`, () => {
    it.each([
      ["q=quantum", ["k01", "k02", "k05", "k08", "k09", "k10", "k11"]],
      ["q=QUANTUM+ai", ["k01", "k08"]],
      ["q=kunstliche", ["k02"]],
      ["q=energie", ["k08"]],
      ["q=ЭНЕРГИЯ", ["k04"]],
      ["q=квантовые", ["k04"]],
      ["q=ΚΒΑΝΤΙΚΉ", ["k07"]],
      ["q=量子", ["k03"]],
      ["q=量子计算", ["k03"]],
      ["q=人工智能", ["k03"]],
      ["q=子量", []],
      ["q=的", ["k03"]],
      ["q=量+ガ", []],
      ["q=ガ", ["k07"]],
      ["q=ガーデン", ["k07"]],
      ["q=quantum&exclude=football", ["k01", "k02", "k08", "k09", "k10", "k11"]],
      ["q=quantum&exclude=football+chips", ["k01", "k08", "k09", "k10", "k11"]],
      ["exclude=quantum", ["k03", "k04", "k07", "k12"]],
      ["exclude=量子计算", ["k01", "k02", "k04", "k05", "k07", "k08", "k09", "k10", "k11", "k12"]],
      ["q=nowhere", []],
    ])("/feed.json?%s lists %j", async (search, expected) => {
      const fetchFeed = storeApp(kind, records());
      const response = await fetchFeed(`/feed.json?${search}`);
      expect(response.status).toBe(200);
      expect((await jsonIds(response)).ids).toEqual(expected);
    });

    it("combines with the path's term and the other filters, in every format", async () => {
      const fetchFeed = storeApp(kind, records());
      expect((await jsonIds(await fetchFeed("/topics/ai/feed.json?q=quantum"))).ids).toEqual(["k01", "k02"]);
      expect((await jsonIds(await fetchFeed("/feed.json?topic=ai&exclude=chips"))).ids).toEqual(["k01"]);
      const rss = readRss(await (await fetchFeed("/topics/ai/rss.xml?q=quantum&exclude=model")).text());
      expect(rss.items.map((item) => item.title)).toEqual(["Künstliche Intelligenz: QUANTUM-Chips"]);
      const atom = readAtom(await (await fetchFeed("/atom.xml?q=量子")).text());
      expect(atom.items.map((item) => item.title)).toEqual(["量子计算的新进展"]);
    });

    it("shows a scheduled article when it becomes visible, and caps the lifetime at that moment", async () => {
      const fetchFeed = storeApp(kind, records());
      const before = await fetchFeed("/feed.json?q=embargo");
      expect((await jsonIds(before)).ids).toEqual([]);
      expect(before.headers.get("Cache-Control")).toMatch(/max-age=(\d+),/);
      const maxAge = Number(/max-age=(\d+)/.exec(before.headers.get("Cache-Control") ?? "")?.[1]);
      expect(maxAge).toBeLessThanOrEqual(3600);
      fetchFeed.clock.now = NOW + HOUR;
      expect((await jsonIds(await fetchFeed("/feed.json?q=embargo"))).ids).toEqual(["k06"]);
    });

    it("pages with stable positions: every match once, in order, ties included", async () => {
      const fetchFeed = storeApp(kind, records());
      const expected = ["k01", "k02", "k05", "k08", "k09", "k10", "k11"];
      for (const limit of [1, 2, 3]) {
        expect(await allPages(fetchFeed, `/feed.json?q=quantum&limit=${limit}`), `limit ${limit}`).toEqual(expected);
      }
      // A page's position still names the same page after a newer match arrives.
      const second = await jsonIds(await fetchFeed("/feed.json?q=quantum&limit=2"));
      const path = new URL(second.next ?? "").pathname + new URL(second.next ?? "").search;
      expect(path).toMatch(/^\/feed\.json\?q=quantum&limit=2&before=\d+\.k02$/);
      fetchFeed.clock.now = NOW + 2 * HOUR;
      expect((await jsonIds(await fetchFeed(path))).ids).toEqual(["k05", "k08"]);
    });

    it("names a view by its words, whatever their case, order or repetition: one cache key", async () => {
      const fetchFeed = storeApp(kind, records());
      const first = await fetchFeed("/feed.json?q=Quantum%20AI");
      expect(first.headers.get("X-Cache")).toBe("MISS");
      const self = (await first.json()) as { feed_url: string };
      expect(self.feed_url).toBe("http://127.0.0.1:8787/feed.json?q=ai+quantum");
      const pages = fetchFeed.store.pages;
      for (const search of ["q=ai+quantum", "q=AI,quantum,ai", "q=quantum%20%20ai&utm=1", "q=ＡＩ+Quantum"]) {
        const again = await fetchFeed(`/feed.json?${search}`);
        expect(again.headers.get("X-Cache"), search).toBe("HIT");
      }
      expect(fetchFeed.store.pages).toBe(pages);
      expect((await fetchFeed("/feed.json?q=ai")).headers.get("X-Cache")).toBe("MISS");
      expect((await fetchFeed("/feed.json?q=ai+quantum&exclude=model")).headers.get("X-Cache")).toBe("MISS");
    });

    it.each([
      ["q=", "q", "at least one word"],
      ["q=--%20!!", "q", "at least one word"],
      [`q=${"a".repeat(201)}`, "q", "at most 200 characters"],
      [`q=${Array.from({ length: 11 }, (_, i) => `w${i}`).join("+")}`, "q", "at most 10 words"],
      ["q=a&q=b", "q", "once"],
      ["exclude=", "exclude", "at least one word"],
      [`exclude=${Array.from({ length: 11 }, (_, i) => `x${i}`).join("%20")}`, "exclude", "at most 10 words"],
    ])("?%s is a 400 naming %s", async (search, name, reason) => {
      const fetchFeed = storeApp(kind, records());
      const response = await fetchFeed(`/feed.json?${search}`);
      expect(response.status).toBe(400);
      const problem = (await response.json()) as { invalid_params: { name: string; reason: string }[] };
      expect(problem.invalid_params).toEqual([{ name, reason: expect.stringContaining(reason) }]);
    });

    it("still ignores unknown parameters", async () => {
      const fetchFeed = storeApp(kind, records());
      const response = await fetchFeed("/feed.json?q=quantum&query=x&keywords=");
      expect(response.status).toBe(200);
    });
  });
}
