// The bundled store and the D1 store serve the same feeds, byte for byte, for the same
// content and clock; D1 failures fall back to stale copies or a 503.
import { env } from "cloudflare:workers";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { ConfigError } from "../src/config.js";
import type { Article, ContentIndex } from "../src/content/article.js";
import { BundledStore } from "../src/store/bundled.js";
import { configuredStore } from "../src/store/configured.js";
import { D1Store } from "../src/store/d1.js";
import { appOver, article, NOW, nextVersion } from "./support/app.js";
import { loadD1, makeStore, STORE_KINDS } from "./support/stores.js";

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
  const state = { failing: false };
  const fail = () => Promise.reject(new Error("D1_ERROR: timed out"));
  const db = new Proxy(env.DB, {
    get(target, key) {
      if (key === "batch")
        return (statements: D1PreparedStatement[]) => (state.failing ? fail() : target.batch(statements));
      if (key === "prepare") {
        return (query: string) => {
          const statement = target.prepare(query);
          return new Proxy(statement, {
            get(inner, name) {
              if (name === "first" || name === "all" || name === "run") {
                return (...args: unknown[]) =>
                  state.failing ? fail() : (inner[name] as (...a: unknown[]) => unknown)(...args);
              }
              if (name === "bind") return (...args: unknown[]) => inner.bind(...args);
              return Reflect.get(inner, name);
            },
          });
        };
      }
      return Reflect.get(target, key);
    },
  });
  return { db, state };
}

describe("when D1 fails", () => {
  it("serves the stale cached copy when it has one", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    onTestFinished(() => logged.mockRestore());
    await loadD1(corpus(), nextVersion());
    const { db, state } = flakyDb();
    const clock = { now: NOW };
    const fetchFeed = appOver(new D1Store(db, { clock: () => clock.now }));
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
