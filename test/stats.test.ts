// Subscriber counts through the app in workerd: feed requests counted into the test D1,
// read back through /stats.json (and the tables themselves), the token, and the cache.
import { env } from "cloudflare:workers";
import { XMLParser } from "fast-xml-parser";
import { beforeEach, describe, expect, it } from "vitest";
import { BundledStore } from "../src/store/bundled.js";
import { appOver, article, NOW, nextVersion } from "./support/app.js";
import { STORE_KINDS, storeApp } from "./support/stores.js";

const TOKEN = "stats-token-for-the-tests-0123456789";
const DAY = 86_400_000;
const AUTH = { Authorization: `Bearer ${TOKEN}` };

const UA = {
  feedly: "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 462 subscribers; )",
  inoreader: "Mozilla/5.0 (compatible; inoreader.com; 114 subscribers)",
  newsblur:
    "NewsBlur Feed Fetcher - 27 subscribers - https://www.newsblur.com/site/6865328/signal (Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_6) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/90.0 Safari/537.36)",
  feedbin: "Feedbin feed-id:1697787 - 102 subscribers",
  oldReader: "Mozilla/5.0 (compatible; theoldreader.com; 1 subscribers; feed-id=5a1b2c3d4e5f60718293a4b5)",
  bazqux: "Mozilla/5.0 (compatible; BazQux/2.4; +https://bazqux.com/fetcher; 1 subscribers)",
  google: "Feedfetcher-Google; (+http://www.google.com/feedfetcher.html; 16 subscribers; feed-id=4715258352616325435)",
  netnewswire: "NetNewsWire (RSS Reader; https://netnewswire.com/)",
  newsboat: "Newsboat/2.36.0 (Linux x86_64)",
  miniflux: "Mozilla/5.0 (compatible; Miniflux/2.1.3; +https://miniflux.app)",
  freshrss: "FreshRSS/1.23.1 (Linux; https://freshrss.org)",
  thunderbird: "Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Thunderbird/115.6.0",
  chrome:
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  googlebot: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
};

interface StatsJson {
  date: string;
  feeds: {
    path: string;
    subscribers: number;
    services: { service: string; kind: string; subscribers: number }[];
    history: { date: string; hosted: number; individual: number; total: number }[];
  }[];
}

const ARTICLES = [article({ topics: [{ slug: "ai", label: "AI" }] }), article(), article()];

/** An app with counting on (unless `vars` says otherwise), over its own content version. */
function statsApp(vars: Record<string, unknown> = { STATS_TOKEN: TOKEN }) {
  const fetchFeed = appOver(
    new BundledStore({ version: nextVersion(), articles: [...ARTICLES].reverse() }),
    NOW,
    vars as Record<string, string>,
  );
  const poll = (path: string, userAgent: string, address = "203.0.113.7", headers: Record<string, string> = {}) =>
    fetchFeed(path, { headers: { "User-Agent": userAgent, "CF-Connecting-IP": address, ...headers } });
  const stats = async () => {
    const response = await fetchFeed("/stats.json", { headers: AUTH });
    expect(response.status).toBe(200);
    return (await response.json()) as StatsJson;
  };
  /** Today's figures of one feed, by service; {} when it has none. */
  const services = async (path: string) => {
    const feed = (await stats()).feeds.find((f) => f.path === path);
    return Object.fromEntries((feed?.services ?? []).map((s) => [s.service, s.subscribers]));
  };
  return Object.assign(fetchFeed, { poll, stats, services });
}

async function rows(table: "stats_hosted" | "stats_clients" | "stats_individual") {
  return (await env.DB.prepare(`SELECT * FROM ${table}`).all()).results;
}

beforeEach(async () => {
  await env.DB.batch(
    ["stats_hosted", "stats_clients", "stats_individual"].map((table) => env.DB.prepare(`DELETE FROM ${table}`)),
  );
});

describe("counting", () => {
  it("counts each hosted form by its reported number and each individual reader once", async () => {
    const app = statsApp();
    for (const [name, ua] of Object.entries(UA)) expect((await app.poll("/rss.xml", ua)).status, name).toBe(200);
    expect(await app.services("/rss.xml")).toEqual({
      Feedly: 462,
      Inoreader: 114,
      NewsBlur: 27,
      Feedbin: 102,
      "The Old Reader": 1,
      BazQux: 1,
      "Google Feedfetcher": 16,
      NetNewsWire: 1,
      newsboat: 1,
      Miniflux: 1,
      FreshRSS: 1,
      Thunderbird: 1,
    });
    const feed = (await app.stats()).feeds[0];
    expect(feed?.subscribers).toBe(462 + 114 + 27 + 102 + 1 + 1 + 16 + 5);
    expect(feed?.history.at(-1)).toEqual({ date: "2026-06-01", hosted: 723, individual: 5, total: 728 });
    expect(feed?.history).toHaveLength(30);
  });

  it("sums two feed ids of one service, each by its last number, for 7 days", async () => {
    const app = statsApp();
    await app.poll("/atom.xml", "Feedbin feed-id:1 - 10 subscribers");
    await app.poll("/atom.xml", "Feedbin feed-id:2 - 5 subscribers");
    expect(await app.services("/atom.xml")).toEqual({ Feedbin: 15 });
    // The next day feed id 1 reports 12: its last number replaces its first, it is not added.
    app.clock.now += DAY;
    await app.poll("/atom.xml", "Feedbin feed-id:1 - 12 subscribers");
    expect(await app.services("/atom.xml")).toEqual({ Feedbin: 17 });
    // Feed id 2 last reported on day 0: it still counts on day 6, no longer on day 7.
    app.clock.now = NOW + 6 * DAY;
    expect(await app.services("/atom.xml")).toEqual({ Feedbin: 17 });
    app.clock.now = NOW + 7 * DAY;
    expect(await app.services("/atom.xml")).toEqual({ Feedbin: 12 });
  });

  it("counts a desktop reader once however often it polls, by a hash that names neither address nor agent", async () => {
    const app = statsApp();
    for (let i = 0; i < 5; i++) await app.poll("/feed.json", UA.netnewswire, "198.51.100.23");
    expect(await app.services("/feed.json")).toEqual({ NetNewsWire: 1 });
    // One row per 7-day window the day belongs to, written once.
    const clients = await rows("stats_clients");
    expect(clients).toHaveLength(7);
    const stored = JSON.stringify(clients);
    expect(stored).not.toContain("198.51.100.23");
    expect(stored).not.toContain("NetNewsWire (RSS");
    expect(new Set(clients.map((row) => row.client)).size).toBe(7);
    // Another address is another reader; the same one the next day is still one reader this week.
    await app.poll("/feed.json", UA.netnewswire, "198.51.100.99");
    app.clock.now += DAY;
    await app.poll("/feed.json", UA.netnewswire, "198.51.100.23");
    expect(await app.services("/feed.json")).toEqual({ NetNewsWire: 2 });
    // A week after its last poll, a reader is no longer counted.
    app.clock.now = NOW + DAY + 7 * DAY;
    expect(await app.services("/feed.json")).toEqual({});
  });

  it("writes at most once per feed, client and day in an isolate", async () => {
    let writes = 0;
    const db = new Proxy(env.DB, {
      get(target, name) {
        if (name === "prepare") {
          return (sql: string) => {
            if (sql.startsWith("INSERT")) writes++;
            return target.prepare(sql);
          };
        }
        const value = Reflect.get(target, name);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const app = statsApp({ STATS_TOKEN: TOKEN, DB: db });
    for (let i = 0; i < 10; i++) {
      await app.poll("/rss.xml", UA.feedly);
      await app.poll("/rss.xml?limit=5&utm_source=x", UA.newsboat);
    }
    expect(writes).toBe(2);
    app.clock.now += DAY;
    await app.poll("/rss.xml", UA.feedly);
    expect(writes).toBe(3);
  });

  it("counts neither a browser nor a crawler", async () => {
    const app = statsApp();
    for (const ua of [UA.chrome, UA.googlebot, "curl/8.5.0", ""]) await app.poll("/rss.xml", ua);
    expect((await app.stats()).feeds).toEqual([]);
    expect([...(await rows("stats_hosted")), ...(await rows("stats_clients"))]).toEqual([]);
  });

  it("counts hits and 304s, under the view's path without paging; not errors, pages or archives", async () => {
    const app = statsApp();
    const miss = await app.poll("/topics/ai/atom.xml?limit=1", UA.feedly);
    expect(miss.headers.get("X-Cache")).toBe("MISS");
    const etag = miss.headers.get("ETag") as string;
    const notModified = await app.poll("/topics/ai/atom.xml?limit=1", UA.inoreader, "x", { "If-None-Match": etag });
    expect(notModified.status).toBe(304);
    const hit = await app.poll("/topics/ai/atom.xml?utm_source=x", UA.miniflux);
    expect(hit.status).toBe(200);
    expect(await app.services("/topics/ai/atom.xml")).toEqual({ Feedly: 462, Inoreader: 114, Miniflux: 1 });

    // Not a subscription: a later page, an archive, a 404 and a 400.
    const next = new XMLParser({ ignoreAttributes: false })
      .parse(await (await app.poll("/atom.xml?limit=1", "curl/8.5.0")).text())
      .feed.link.find((l: Record<string, string>) => l["@_rel"] === "next")["@_href"] as string;
    expect((await app.poll(new URL(next).pathname + new URL(next).search, UA.bazqux)).status).toBe(200);
    expect((await app.poll("/topics/nothing/atom.xml", UA.bazqux)).status).toBe(404);
    expect((await app.poll("/atom.xml?limit=0", UA.bazqux)).status).toBe(400);
    await app.poll("/archive/2026-01/atom.xml", UA.bazqux);
    expect((await app.stats()).feeds.map((f) => f.path)).toEqual(["/topics/ai/atom.xml"]);
  });

  it("counts top feeds under their window, apart from the plain feeds of their scope", async () => {
    const app = statsApp();
    expect((await app.poll("/top/atom.xml?window=30d&limit=5", UA.feedly)).status).toBe(200);
    expect((await app.poll("/top/atom.xml?window=30d", UA.newsboat)).status).toBe(200);
    expect((await app.poll("/topics/ai/top/feed.json?window=7d", UA.inoreader)).status).toBe(200);
    expect(await app.services("/top/atom.xml?window=30d")).toEqual({ Feedly: 462, newsboat: 1 });
    expect(await app.services("/topics/ai/top/feed.json")).toEqual({ Inoreader: 114 });
    expect((await app.stats()).feeds.map((f) => f.path).sort()).toEqual([
      "/top/atom.xml?window=30d",
      "/topics/ai/top/feed.json",
    ]);
  });

  it("counts requests the in-isolate hit path answers before the router", async () => {
    const app = statsApp();
    const first = await app.poll("/rss.xml", "curl/8.5.0");
    expect((await app.poll("/rss.xml", "curl/8.5.0")).headers.get("X-Cache")).toBe("HIT");
    expect((await app.poll("/rss.xml", UA.feedly)).headers.get("X-Cache")).toBe("HIT");
    const etag = first.headers.get("ETag") as string;
    expect((await app.poll("/rss.xml", UA.netnewswire, "x", { "If-None-Match": etag })).status).toBe(304);
    expect(await app.services("/rss.xml")).toEqual({ Feedly: 462, NetNewsWire: 1 });
  });

  it("keeps the figures when the cron folds finished weeks into counts, and prunes past 400 days", async () => {
    const app = statsApp();
    await app.poll("/rss.xml", UA.newsboat, "192.0.2.1");
    await app.poll("/rss.xml", UA.newsboat, "192.0.2.2");
    await app.poll("/rss.xml", UA.feedly);
    await env.DB.prepare("INSERT INTO stats_hosted VALUES (?, '/rss.xml', 'Feedly', '', 9)")
      .bind(Math.floor(NOW / DAY) - 401)
      .run();
    app.clock.now = NOW + 10 * DAY;
    const before = await app.stats();
    const { statsCron } = await import("../src/stats/store.js");
    await statsCron(app.env, app.clock.now);
    expect(await app.stats()).toEqual(before);
    // Windows that ended before yesterday hold counts now, not client ids.
    expect(await rows("stats_clients")).toEqual([]);
    expect((await rows("stats_individual")).map((row) => row.clients)).toEqual([2, 2, 2, 2, 2, 2, 2]);
    expect((await rows("stats_hosted")).map((row) => row.subscribers)).toEqual([462]);
    expect(before.feeds[0]?.history.filter((d) => d.individual === 2)).toHaveLength(7);
  });
});

describe("the publisher's pages", () => {
  it("answer 401 with WWW-Authenticate without the token or with a wrong one, 200 with it", async () => {
    const app = statsApp();
    for (const path of ["/stats", "/stats.json"]) {
      const attempts: Record<string, string>[] = [
        {},
        { Authorization: "Bearer wrong" },
        { Authorization: `Basic ${btoa(`u:${TOKEN}`)}` },
      ];
      for (const headers of attempts) {
        const denied = await app(path, { headers });
        expect(denied.status, path).toBe(401);
        expect(denied.headers.get("WWW-Authenticate")).toMatch(/^Bearer realm="stats"/);
        expect(denied.headers.get("Cache-Control")).toBe("private, no-store");
        expect(await denied.text()).not.toContain('subscribers":');
      }
      const allowed = await app(path, { headers: { Authorization: `bearer ${TOKEN}` } });
      expect(allowed.status, path).toBe(200);
      expect(allowed.headers.get("Cache-Control")).toBe("private, no-store");
      expect(allowed.headers.get("Access-Control-Allow-Origin")).toBeNull();
      expect(allowed.headers.get("X-Cache")).toBeNull();
    }
  });

  it("shows today's services and a 30-day SVG chart, with no script and hostile names escaped", async () => {
    const app = statsApp();
    await app.poll("/rss.xml", UA.feedly);
    await app.poll("/rss.xml", "<script>alert(1)</script>/1.0 (compatible; <img src=x>; 3 subscribers)");
    const page = await app("/stats", { headers: AUTH });
    expect(page.headers.get("Content-Type")).toBe("text/html; charset=UTF-8");
    expect(page.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
    const body = await page.text();
    expect(body).not.toMatch(/<script|<img|src=/i);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(
      body.slice(body.indexOf("<svg"), body.indexOf("</svg>") + 6),
    );
    expect(doc.svg.g).toHaveLength(30);
    expect(body).toContain('<td>Feedly</td><td>hosted</td><td class="n">462</td>');
    expect(body).toContain('<span class="total">465</span>');
  });

  it("are never linked from the public pages", async () => {
    const app = statsApp();
    for (const path of ["/", "/topics/ai/", "/feeds.opml", "/rss.xml"]) {
      expect(await (await app(path)).text(), path).not.toContain("/stats");
    }
  });

  it("are an unknown path, and nothing is counted, without STATS_TOKEN", async () => {
    const app = statsApp({});
    await app.poll("/rss.xml", UA.feedly);
    await app.poll("/rss.xml", UA.newsboat);
    const seen = async (response: Response) => ({
      status: response.status,
      headers: [...response.headers],
      body: await response.text(),
    });
    const unknown = await seen(await app("/no-such-page", { headers: AUTH }));
    expect(unknown.status).toBe(404);
    for (const path of ["/stats", "/stats.json"])
      expect(await seen(await app(path, { headers: AUTH }))).toEqual(unknown);
    expect([...(await rows("stats_hosted")), ...(await rows("stats_clients"))]).toEqual([]);
  });

  it("answer 503 and count nothing with a token too short to be a secret", async () => {
    const app = statsApp({ STATS_TOKEN: "short" });
    await app.poll("/rss.xml", UA.feedly);
    for (const path of ["/stats", "/stats.json"]) {
      const response = await app(path, { headers: { Authorization: "Bearer short" } });
      expect(response.status, path).toBe(503);
      expect(response.headers.get("Cache-Control")).toBe("private, no-store");
    }
    expect(await rows("stats_hosted")).toEqual([]);
  });

  it.each(STORE_KINDS)("count and show with the %s article store, in the DB binding", async (kind) => {
    const app = storeApp(kind, ARTICLES, NOW, { STATS_TOKEN: TOKEN, STORE: kind });
    const response = await app("/topics/ai/rss.xml", { headers: { "User-Agent": UA.feedly } });
    expect(response.status).toBe(200);
    const stats = await app("/stats.json", { headers: AUTH });
    const feeds = ((await stats.json()) as StatsJson).feeds;
    expect(feeds.map((f) => [f.path, f.subscribers])).toEqual([["/topics/ai/rss.xml", 462]]);
  });
});

describe("the cache", () => {
  it("holds the same bytes and headers with counting on as with it off", async () => {
    const off = statsApp({});
    const on = statsApp();
    const seen = async (response: Response) => ({
      status: response.status,
      headers: [...response.headers],
      body: new Uint8Array(await response.arrayBuffer()),
    });
    for (const path of ["/rss.xml", "/topics/ai/feed.json?limit=2"]) {
      for (const state of ["MISS", "HIT"]) {
        const a = await seen(await off.poll(path, UA.newsboat));
        const b = await seen(await on.poll(path, UA.newsboat));
        expect(a.headers).toContainEqual(["x-cache", state]);
        expect(b).toEqual(a);
      }
    }
    // And the counting happened.
    expect(await on.services("/rss.xml")).toEqual({ newsboat: 1 });
  });
});
