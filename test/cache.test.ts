// Edge caching and conditional GET, through the app with a counting store and a moving clock.
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { article, NOW } from "./support/app.js";
import { STORE_KINDS, storeApp } from "./support/stores.js";

const MINUTE = 60_000;
/** NOW as an HTTP-date: when the fixtures' bytes are first rendered. */
const RENDERED = "Mon, 01 Jun 2026 12:00:00 GMT";
const at = (ms: number) => ({ publishedMs: ms, published: new Date(ms).toISOString().replace(".000Z", "Z") });

describe.each(STORE_KINDS)("with the %s store", (kind) => {
  describe("edge cache", () => {
    it("answers the second request from the cache without rendering", async () => {
      const fetchFeed = storeApp(kind, [article(), article()]);
      const first = await fetchFeed("/atom.xml");
      expect(first.headers.get("X-Cache")).toBe("MISS");
      const second = await fetchFeed("/atom.xml");
      expect(second.headers.get("X-Cache")).toBe("HIT");
      expect(second.headers.get("Server-Timing")).toBe('cache;desc="HIT"');
      expect(await second.text()).toBe(await first.text());
      expect(fetchFeed.store.pages).toBe(1);
    });

    it("keys entries canonically: parameter order and unknown parameters share one entry", async () => {
      const fetchFeed = storeApp(kind, [article(), article(), article()]);
      expect((await fetchFeed("/feed.json?limit=2&utm_source=x")).headers.get("X-Cache")).toBe("MISS");
      for (const path of ["/feed.json?limit=2", "/feed.json?_=123&limit=2", "/feed.json?limit=02&fbclid=abc"]) {
        expect((await fetchFeed(path)).headers.get("X-Cache"), path).toBe("HIT");
      }
      expect(fetchFeed.store.pages).toBe(1);
      // The default limit is one view whether or not it is spelled out.
      await fetchFeed("/feed.json");
      expect((await fetchFeed("/feed.json?limit=20")).headers.get("X-Cache")).toBe("HIT");
    });

    it("keeps each format and each view apart", async () => {
      const fetchFeed = storeApp(kind, [article(), article()]);
      for (const path of ["/rss.xml", "/atom.xml", "/feed.json", "/rss.xml?limit=1"]) {
        expect((await fetchFeed(path)).headers.get("X-Cache"), path).toBe("MISS");
      }
      expect(fetchFeed.store.pages).toBe(4);
    });

    it("never lets the Host header into a cached body", async () => {
      const fetchFeed = storeApp(kind, [article()]);
      await fetchFeed("/rss.xml", { headers: { Host: "evil.example" } });
      const cached = await fetchFeed("/rss.xml");
      expect(cached.headers.get("X-Cache")).toBe("HIT");
      expect(await cached.text()).not.toContain("evil.example");
    });

    it("stores no errors", async () => {
      const fetchFeed = storeApp(kind, [article()]);
      for (let i = 0; i < 2; i++) {
        const response = await fetchFeed("/feed.json?limit=0");
        expect(response.status).toBe(400);
        expect(response.headers.get("X-Cache")).toBeNull();
        expect(response.headers.get("Cache-Control")).toBe("no-store");
      }
      expect(fetchFeed.store.pages).toBe(0);
    });
  });

  describe("freshness and schedules", () => {
    it("sends the configured lifetimes", async () => {
      const fetchFeed = storeApp(kind, [article()]);
      const response = await fetchFeed("/rss.xml");
      expect(response.headers.get("Cache-Control")).toBe(
        "public, max-age=300, s-maxage=300, stale-while-revalidate=600, stale-if-error=86400",
      );
    });

    it("caps every lifetime at the next scheduled article, which then appears on time", async () => {
      const past = article(at(NOW - MINUTE));
      const scheduled = article(at(NOW + MINUTE));
      const fetchFeed = storeApp(kind, [past, scheduled]);
      const before = await fetchFeed("/feed.json");
      expect(before.headers.get("Cache-Control")).toBe(
        "public, max-age=60, s-maxage=60, stale-while-revalidate=0, stale-if-error=86400",
      );
      expect(await before.text()).not.toContain(scheduled.title);

      fetchFeed.clock.now = NOW + 30_000;
      const meanwhile = await fetchFeed("/feed.json");
      expect(meanwhile.headers.get("X-Cache")).toBe("HIT");
      expect(meanwhile.headers.get("Cache-Control")).toContain("max-age=30,");

      fetchFeed.clock.now = NOW + MINUTE;
      const after = await fetchFeed("/feed.json");
      expect(after.headers.get("X-Cache")).toBe("MISS");
      expect(await after.text()).toContain(scheduled.title);
    });

    it("serves a stale entry while it renders a fresh one in the background", async () => {
      const fetchFeed = storeApp(kind, [article()]);
      const first = await (await fetchFeed("/atom.xml")).text();
      fetchFeed.clock.now = NOW + 301_000;
      const stale = await fetchFeed("/atom.xml");
      expect(stale.headers.get("X-Cache")).toBe("STALE");
      expect(await stale.text()).toBe(first);
      expect(fetchFeed.store.pages).toBe(2);
      const refreshed = await fetchFeed("/atom.xml");
      expect(refreshed.headers.get("X-Cache")).toBe("HIT");
      expect(refreshed.headers.get("Cache-Control")).toContain("max-age=300,");
    });

    it("serves the stale entry when rendering fails, and a 500 problem without one", async () => {
      const logged = vi.spyOn(console, "error").mockImplementation(() => {});
      onTestFinished(() => logged.mockRestore());
      const fetchFeed = storeApp(kind, [article()]);
      await fetchFeed("/rss.xml");
      fetchFeed.store.failing = true;
      fetchFeed.clock.now = NOW + 3_600_000;
      const stale = await fetchFeed("/rss.xml");
      expect(stale.status).toBe(200);
      expect(stale.headers.get("X-Cache")).toBe("STALE");
      const uncached = await fetchFeed("/atom.xml");
      expect(uncached.status).toBe(500);
      expect(uncached.headers.get("Content-Type")).toBe("application/problem+json; charset=utf-8");
      expect(await uncached.text()).not.toContain("store unavailable");
      // The operator's log says what failed, for the stale answer and for the 500.
      expect(logged.mock.calls.map((call) => call.map(String))).toEqual([
        ["rendering failed; serving the stale copy", "Error: store unavailable"],
        ["Error: store unavailable"],
      ]);
    });
  });

  describe("conditional GET", () => {
    const newest = article(at(Date.UTC(2026, 4, 1, 10)));
    const older = article(at(Date.UTC(2026, 3, 1, 10)));

    async function primed() {
      const fetchFeed = storeApp(kind, [newest, older]);
      const response = await fetchFeed("/feed.json");
      return { fetchFeed, response, etag: response.headers.get("ETag") as string };
    }

    it("sends a strong ETag, and as Last-Modified the second these bytes were first rendered", async () => {
      const { response, etag } = await primed();
      expect(etag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
      expect(response.headers.get("Last-Modified")).toBe(RENDERED);
    });

    it("keeps Last-Modified when a re-render gives the same bytes", async () => {
      const { fetchFeed, response } = await primed();
      fetchFeed.clock.now = NOW + 301_000;
      expect((await fetchFeed("/feed.json")).headers.get("X-Cache")).toBe("STALE");
      const refreshed = await fetchFeed("/feed.json");
      expect(refreshed.headers.get("X-Cache")).toBe("HIT");
      expect(refreshed.headers.get("Last-Modified")).toBe(response.headers.get("Last-Modified"));
    });

    it("moves Last-Modified when an older item is edited, so If-Modified-Since gets the new body", async () => {
      const { response } = await primed();
      const edited = storeApp(kind, [newest, { ...older, title: "An edited older title" }]);
      edited.clock.now = NOW + 5 * MINUTE;
      const since = response.headers.get("Last-Modified") as string;
      const after = await edited("/feed.json", { headers: { "If-Modified-Since": since } });
      expect(after.status).toBe(200);
      expect(await after.text()).toContain("An edited older title");
      expect(Date.parse(after.headers.get("Last-Modified") as string)).toBeGreaterThan(Date.parse(since));
    });

    it.each([
      ["the ETag", (etag: string) => etag],
      ["a list holding it", (etag: string) => `"other", ${etag}`],
      ["its weak form", (etag: string) => `W/${etag}`],
      ["*", () => "*"],
    ])("answers If-None-Match with %s with a 304 from the cache, rendering nothing", async (_, value) => {
      const { fetchFeed, response, etag } = await primed();
      const notModified = await fetchFeed("/feed.json", { headers: { "If-None-Match": value(etag) } });
      expect(notModified.status).toBe(304);
      expect(await notModified.text()).toBe("");
      for (const name of ["ETag", "Cache-Control", "Vary", "Link", "Last-Modified"]) {
        expect(notModified.headers.get(name), name).toBe(response.headers.get(name));
      }
      expect(notModified.headers.get("Access-Control-Allow-Origin")).toBe("*");
      expect(notModified.headers.get("Access-Control-Expose-Headers")).toContain("ETag");
      expect(fetchFeed.store.pages).toBe(1);
    });

    it("answers a non-matching If-None-Match with 200, ignoring If-Modified-Since", async () => {
      const { fetchFeed } = await primed();
      const response = await fetchFeed("/feed.json", {
        headers: { "If-None-Match": '"stale"', "If-Modified-Since": "Sat, 01 Jan 2050 00:00:00 GMT" },
      });
      expect(response.status).toBe(200);
    });

    it.each([
      ["at Last-Modified", RENDERED, 304],
      ["after Last-Modified", "Mon, 01 Jun 2026 12:00:30 GMT", 304],
      ["in the obsolete RFC 850 form", "Monday, 01-Jun-26 12:00:00 GMT", 304],
      ["in the obsolete asctime form", "Mon Jun  1 12:00:00 2026", 304],
      ["before Last-Modified", "Mon, 01 Jun 2026 11:59:59 GMT", 200],
      ["the newest item's date (older than these bytes)", "Fri, 01 May 2026 10:00:00 GMT", 200],
      ["not a date", "yesterday", 200],
      ["a bare year", "3000", 200],
      ["an ISO date", "2026-06-01", 200],
      ["a date without weekday and time", "Dec 31 2099", 200],
      ["a valid date in the future", "Sat, 01 Jan 2050 00:00:00 GMT", 200],
      ["an impossible date", "Wed, 31 Jun 2026 12:00:00 GMT", 200],
    ])("answers If-Modified-Since %s", async (_, since, status) => {
      const { fetchFeed } = await primed();
      fetchFeed.clock.now = NOW + MINUTE;
      const response = await fetchFeed("/feed.json", { headers: { "If-Modified-Since": since } });
      expect(response.status).toBe(status);
      expect(response.headers.get("X-Cache")).toBe("HIT");
    });

    it("gives each view its own ETag, which changes when the view does", async () => {
      const { fetchFeed, etag } = await primed();
      const one = await fetchFeed("/feed.json?limit=1");
      expect(one.headers.get("ETag")).not.toBe(etag);
      expect(one.headers.get("Last-Modified")).toBe(RENDERED);
      const revisit = await fetchFeed("/feed.json?limit=1", { headers: { "If-None-Match": etag } });
      expect(revisit.status).toBe(200);
      const changed = storeApp(kind, [article(at(Date.UTC(2026, 4, 2))), newest, older]);
      const after = await changed("/feed.json", { headers: { "If-None-Match": etag } });
      expect(after.status).toBe(200);
      expect(after.headers.get("ETag")).not.toBe(etag);
    });

    it("gives the same ETag to the same bytes rendered twice", async () => {
      const a = await storeApp(kind, [newest, older])("/rss.xml");
      const b = await storeApp(kind, [newest, older])("/rss.xml");
      expect(a.headers.get("X-Cache")).toBe("MISS");
      expect(b.headers.get("X-Cache")).toBe("MISS");
      expect(await a.text()).toBe(await b.text());
      expect(a.headers.get("ETag")).toBe(b.headers.get("ETag"));
    });
  });

  describe("headers on every feed response", () => {
    it("sends content type, nosniff, CORS and a Link header on 200, HEAD and 304", async () => {
      const fetchFeed = storeApp(kind, [article()]);
      const get = await fetchFeed("/rss.xml");
      const head = await fetchFeed("/rss.xml", { method: "HEAD" });
      const notModified = await fetchFeed("/rss.xml", {
        headers: { "If-None-Match": get.headers.get("ETag") as string },
      });
      for (const response of [get, head, notModified]) {
        expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
        expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
        expect(response.headers.get("Link")).toBe(
          '<http://127.0.0.1:8787/rss.xml>; rel="self"; type="application/rss+xml", ' +
            '<http://127.0.0.1:8787/atom.xml>; rel="alternate"; type="application/atom+xml", ' +
            '<http://127.0.0.1:8787/feed.json>; rel="alternate"; type="application/feed+json"',
        );
      }
      expect(head.headers.get("Content-Type")).toBe("application/rss+xml; charset=utf-8");
      expect(head.headers.get("ETag")).toBe(get.headers.get("ETag"));
      expect(await head.text()).toBe("");
    });
  });
});
