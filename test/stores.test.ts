// The bundled store and the D1 store serve the same feeds, byte for byte, for the same
// content and clock; D1 failures fall back to stale copies or a 503.
import { env } from "cloudflare:workers";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { ConfigError } from "../src/config.js";
import type { Article, ContentIndex } from "../src/content/article.js";
import { BundledStore } from "../src/store/bundled.js";
import { configuredStore } from "../src/store/configured.js";
import { type D1Failure, D1Store } from "../src/store/d1.js";
import { StoreUnavailable } from "../src/store/store.js";
import { appOver, article, NOW, nextVersion } from "./support/app.js";
import { loadD1, makeStore, STORE_KINDS, wrappedD1 } from "./support/stores.js";

const DAY = 86_400_000;
const at = (ms: number) => ({ publishedMs: ms, published: new Date(ms).toISOString().replace(".000Z", "Z") });
const AI = { label: "AI", slug: "ai" };
const ENERGY = { label: "Énergie renouvelable", slug: "energie-renouvelable" };
const NATURE = { name: "Nature", slug: "nature", domain: "nature.com", url: "https://nature.com/" };
const BBC = { name: "BBC News", slug: "bbc-news", domain: "bbc.com", url: "https://bbc.com/" };
const NEWS = { label: "news", slug: "news" };

/** 60 articles over four months, two scheduled, two sharing a second, with every kind of term. */
function corpus(): Article[] {
  const out = Array.from({ length: 58 }, (_, i) =>
    article({
      id: `s${String(i).padStart(2, "0")}`,
      ...at(NOW - Math.floor(i / 2) * 2 * DAY - (i % 2) * 3_600_000),
      topics: i % 3 === 0 ? [AI, ENERGY] : i % 2 === 0 ? [AI] : [],
      provider: i % 5 === 0 ? NATURE : i % 7 === 0 ? BBC : undefined,
      category: i % 4 === 0 ? NEWS : undefined,
      type: i % 6 === 0 ? "video" : "article",
      quality: (i * 7) % 101,
    }),
  );
  out.push(article({ id: "tie-b", ...at(NOW - 10 * DAY), topics: [AI] }));
  out.push(article({ id: "tie-a", ...at(NOW - 10 * DAY), topics: [AI] }));
  out.push(article({ id: "soon", ...at(NOW + 3_600_000), topics: [AI], provider: NATURE }));
  out.push(article({ id: "later", ...at(NOW + 40 * DAY), category: NEWS }));
  return out;
}

const PATHS = [
  "/",
  "/feeds.opml",
  "/rss.xml",
  "/atom.xml",
  "/feed.json",
  // Keyset pages, two of them starting between the two articles of one second.
  `/feed.json?limit=7&before=${NOW - 10 * DAY}.tie-a`,
  `/rss.xml?limit=4&before=${NOW - 10 * DAY}.tie-b`,
  `/atom.xml?limit=6&before=${NOW - 20 * DAY}.s20`,
  "/atom.xml?limit=100",
  "/topics/ai/rss.xml",
  `/topics/ai/atom.xml?limit=5&before=${NOW - 10 * DAY}.tie-a`,
  "/topics/energie-renouvelable/feed.json",
  "/providers/nature/feed.json",
  "/providers/bbc-news/rss.xml",
  "/categories/news/atom.xml",
  "/feed.json?topic=ai&provider=nature",
  "/rss.xml?type=video&minQuality=20",
  `/topics/ai/feed.json?category=news&limit=3&before=${NOW - 16 * DAY}.s16`,
  "/archive/2026-05/atom.xml",
  "/archive/2026-04/rss.xml",
  "/topics/ai/archive/2026-04/feed.json",
  "/topics/ai/",
  "/providers/nature/",
  "/archive/2026-06/rss.xml",
  "/topics/unknown/rss.xml",
  "/feed.json?before=0.s00",
  // Keyword and top views (issue 18).
  "/topics/ai/atom.xml?q=Fixture+ARTICLE&limit=4",
  "/rss.xml?exclude=fixture",
  "/top/feed.json",
  "/topics/ai/top/rss.xml?window=30d",
  "/providers/nature/top/atom.xml?window=1d",
];

describe("both stores", () => {
  it("serve every page, feed, filter, page and archive with the same status and bytes", async () => {
    const articles = corpus();
    const version = nextVersion();
    const results: Record<string, { status: number; body: string; etag: string | null }[]> = {};
    for (const kind of STORE_KINDS) {
      const fetchFeed = appOver(await makeStore(kind, articles, version));
      for (const path of PATHS) {
        const response = await fetchFeed(path);
        results[path] ??= [];
        results[path].push({
          status: response.status,
          body: await response.text(),
          etag: response.headers.get("ETag"),
        });
      }
    }
    for (const path of PATHS) {
      const [bundled, d1] = results[path] ?? [];
      expect(d1, path).toEqual(bundled);
    }
    // The fixture exercises what it should: paging, archives, errors.
    expect(results["/archive/2026-04/rss.xml"]?.[0]?.status).toBe(200);
    expect(results["/topics/unknown/rss.xml"]?.[0]?.status).toBe(404);
    expect(results["/feed.json?before=0.s00"]?.[0]?.status).toBe(404);
    // A page that starts between two articles of the same second holds the second of them.
    const tie = JSON.parse(results[`/feed.json?limit=7&before=${NOW - 10 * DAY}.tie-a`]?.[0]?.body ?? "{}");
    expect(tie.items.map((item: { id: string }) => item.id).slice(0, 2)).toEqual([
      "tag:127.0.0.1,2026:tie-b",
      expect.stringMatching(/:s\d\d$/),
    ]);
  });

  it.each(STORE_KINDS)("%s shows a scheduled article once the clock reaches it", async (kind) => {
    const articles = corpus();
    const fetchFeed = appOver(await makeStore(kind, articles, nextVersion()));
    expect(await (await fetchFeed("/feed.json")).text()).not.toContain("soon");
    fetchFeed.clock.now = NOW + 3_600_000;
    expect(await (await fetchFeed("/feed.json")).text()).toContain("tag:127.0.0.1,2026:soon");
  });
});

/** A D1 database that fails every query while `failing` is set. */
function flakyDb() {
  const { db, traffic } = wrappedD1();
  return { db, state: traffic };
}

describe("when D1 fails", () => {
  it("serves the stale cached copy when it has one", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    onTestFinished(() => logged.mockRestore());
    await loadD1(corpus(), nextVersion());
    const { db, state } = flakyDb();
    const clock = { now: NOW };
    const failures: D1Failure[] = [];
    const fetchFeed = appOver(new D1Store(db, { clock: () => clock.now, log: (line) => failures.push(line) }));
    const fresh = await fetchFeed("/atom.xml");
    expect(fresh.status).toBe(200);
    state.failing = true;
    fetchFeed.clock.now = clock.now = NOW + 3_600_000 * 2;
    const stale = await fetchFeed("/atom.xml");
    expect(stale.status).toBe(200);
    expect(stale.headers.get("X-Cache")).toBe("STALE");
    expect(await stale.text()).toBe(await fresh.text());
    expect(logged).toHaveBeenCalledOnce();
    const [message, error] = logged.mock.calls[0] ?? [];
    expect(message).toBe("rendering failed; serving the stale copy");
    expect(String((error as Error).cause)).toBe("Error: D1_ERROR: timed out");
    // The store's own lines: the version re-read, then the feed, each named.
    expect(failures.map(({ what, view }) => [what, view])).toEqual([
      ["version", "-"],
      ["feed", "all"],
    ]);
  });

  it("answers 503 with Retry-After and no stack when there is no copy", async () => {
    await loadD1(corpus(), nextVersion());
    const { db, state } = flakyDb();
    const fetchFeed = appOver(new D1Store(db));
    state.failing = true;
    for (const path of ["/rss.xml", "/topics/ai/feed.json", "/", "/feeds.opml"]) {
      const response = await fetchFeed(path);
      expect(response.status, path).toBe(503);
      expect(response.headers.get("Retry-After")).toBe("30");
      expect(response.headers.get("Content-Type")).toBe("application/problem+json; charset=utf-8");
      expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
      expect(await response.text()).not.toMatch(/D1_ERROR|at .*\.ts/);
    }
  });

  it("never presents an empty database as an empty feed", async () => {
    await env.DB.batch([
      env.DB.prepare("DELETE FROM article_topics"),
      env.DB.prepare("DELETE FROM articles"),
      env.DB.prepare("DELETE FROM meta"),
    ]);
    const response = await appOver(new D1Store(env.DB))("/rss.xml");
    expect(response.status).toBe(503);
  });
});

describe("the configured store", () => {
  const index: ContentIndex = { version: "code-and-content", articles: corpus() };
  const configured = (vars: Record<string, unknown>, built = index) =>
    configuredStore({ ...env, ...vars } as Env, built);

  it("is the bundled index by default, indexed once", () => {
    const store = configured({ STORE: undefined });
    expect(store).toBeInstanceOf(BundledStore);
    expect(configured({ STORE: "bundled" })).toBe(store);
  });

  it("is D1 with STORE = d1, its cache version joining the code's to the pushed content's", async () => {
    await loadD1(corpus(), "pushed-1");
    const store = configured({ STORE: "d1" }, { version: "code-1", articles: [], store: "d1" });
    expect(store).toBeInstanceOf(D1Store);
    expect(await store.version()).toBe("code-1-pushed-1");
  });

  it("refuses to serve empty feeds from a bundle built for D1", () => {
    expect(() => configured({ STORE: "bundled" }, { version: "code-1", articles: [], store: "d1" })).toThrow(
      ConfigError,
    );
  });

  it("refuses STORE = d1 without the DB binding", () => {
    expect(() => configured({ STORE: "d1", DB: undefined })).toThrow(/needs the D1 binding DB/);
  });
});

describe("D1 round trips", () => {
  it("cost one batch per miss for every kind of view, none per hit", async () => {
    await loadD1(corpus(), nextVersion());
    const { db, traffic } = wrappedD1();
    const store = new D1Store(db, { clock: () => NOW, versionKey: `https://d1-store.invalid/${nextVersion()}` });
    const fetchFeed = appOver(store);
    await store.version();
    expect(traffic.roundTrips).toBe(1);
    for (const path of PATHS) {
      traffic.roundTrips = 0;
      traffic.statements = 0;
      const response = await fetchFeed(path);
      await response.arrayBuffer();
      // At most one; one for every document the store answers (a month not over needs none).
      expect(traffic.roundTrips, path).toBe(response.status === 200 ? 1 : traffic.roundTrips);
      expect(traffic.roundTrips, path).toBeLessThanOrEqual(1);
      expect(traffic.statements, path).toBeLessThanOrEqual(12);
      if (response.status !== 200 || path.endsWith("/") || path.endsWith(".opml")) continue;
      // The same document again is a cache hit: no D1 call at all.
      traffic.roundTrips = 0;
      const again = await fetchFeed(path);
      expect(again.headers.get("X-Cache"), path).toBe("HIT");
      expect(traffic.roundTrips, path).toBe(0);
    }
  });
});

describe("the D1 store's version", () => {
  it("survives an outage after an isolate restart: a new store reads the last version from the Cache API", async () => {
    await loadD1(corpus(), nextVersion());
    const versionKey = `https://d1-store.invalid/${nextVersion()}`;
    const { db, traffic } = wrappedD1();
    const logs: unknown[] = [];
    const before = new D1Store(db, { codeVersion: "code", versionKey, log: (line) => logs.push(line) });
    const version = await before.version();
    traffic.failing = true;
    const restarted = new D1Store(db, { codeVersion: "code", versionKey, log: (line) => logs.push(line) });
    expect(await restarted.version()).toBe(version);
    // Without a kept version there is nothing to name the cache by: unavailable.
    const fresh = new D1Store(db, { versionKey: `${versionKey}-other`, log: (line) => logs.push(line) });
    await expect(fresh.version()).rejects.toBeInstanceOf(StoreUnavailable);
    // One structured line per failure: what, which view, how long.
    await expect(restarted.select({ filters: { topics: ["ai"], type: "video" }, now: NOW, limit: 5 })).rejects.toThrow(
      StoreUnavailable,
    );
    expect(logs).toHaveLength(3);
    expect(logs[2]).toEqual({
      event: "d1_failure",
      what: "feed",
      view: "topic:ai type=video",
      ms: expect.any(Number),
      error: "D1_ERROR: timed out",
    });
  });
});

describe("the D1 store's parsed articles", () => {
  it("hands back the same object for an unchanged row, so rendered items are reused, and a new one after an edit", async () => {
    const articles = corpus();
    await loadD1(articles, nextVersion());
    const store = new D1Store(env.DB);
    const query = { filters: { topics: [] }, now: NOW, limit: 5 };
    const [first, again] = [await store.select(query), await store.select(query)];
    expect(again.items[0]).toBe(first.items[0]);
    const edited = articles.map((a) => (a.id === first.items[0]?.id ? { ...a, title: "Edited" } : a));
    await loadD1(edited, nextVersion());
    const after = await store.select(query);
    expect(after.items[0]).not.toBe(first.items[0]);
    expect(after.items[0]?.title).toBe("Edited");
    expect(after.items[1]).toBe(first.items[1]);
  });
});

describe("a D1 outage after an isolate restart", () => {
  it("serves every cached view stale: scoped, filtered, archive, / and OPML", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    onTestFinished(() => logged.mockRestore());
    await loadD1(corpus(), nextVersion());
    const versionKey = `https://d1-store.invalid/${nextVersion()}`;
    const { db, traffic } = wrappedD1();
    const quiet = { log: () => {}, versionKey };
    const paths = [
      "/topics/ai/atom.xml",
      "/feed.json?topic=ai&provider=nature",
      "/archive/2026-04/rss.xml",
      "/",
      "/feeds.opml",
    ];
    const before = appOver(new D1Store(db, { clock: () => before.clock.now, ...quiet }));
    const fresh: Record<string, string> = {};
    for (const path of paths) {
      const response = await before(path);
      expect(response.status, `before ${path}`).toBe(200);
      fresh[path] = await response.text();
    }
    traffic.failing = true;
    // A new isolate: a new store and app over the same edge cache, two hours on.
    const after = appOver(new D1Store(db, { clock: () => after.clock.now, ...quiet }), NOW + 2 * 3_600_000);
    for (const path of paths) {
      const response = await after(path);
      expect(response.status, path).toBe(200);
      // An archive is fresh for 30 days: still a hit; the others are past max-age, so stale.
      expect(response.headers.get("X-Cache"), path).toBe(path.includes("/archive/") ? "HIT" : "STALE");
      expect(await response.text(), path).toBe(fresh[path]);
    }
  });
});
