// URLs people type: other generators' feed addresses, a term page without its slash, a
// slug in another case. A 301 to the canonical address (query kept, one hop, no loop),
// only where that address exists; an unknown slug stays a 404. Both stores.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ALIASES } from "../src/http/redirects.js";
import { article, ORIGIN } from "./support/app.js";
import { STORE_KINDS, storeApp } from "./support/stores.js";

const at = (ms: number) => ({ publishedMs: ms, published: new Date(ms).toISOString().replace(".000Z", "Z") });
/** The clock: 2026-06-01T12:00Z. */
const NOW = Date.UTC(2026, 5, 1, 12);

function corpus() {
  return [
    article({
      ...at(Date.UTC(2026, 4, 10)),
      topics: [
        { label: "AI", slug: "ai" },
        { label: "AI in Healthcare", slug: "ai-in-healthcare" },
      ],
      provider: { name: "Nature", slug: "nature" },
      category: { label: "Research", slug: "research" },
    }),
    // Scheduled: its topic does not exist yet, under any spelling.
    article({ ...at(NOW + 3_600_000), topics: [{ label: "Secret", slug: "secret" }] }),
  ];
}

const ROOT_CASES = Object.entries(ALIASES).map(([from, to]) => [`/${from}`, `/${to}`] as const);

const TERM_CASES = [
  ["/topics/ai", "/topics/ai/"],
  ["/topics/AI", "/topics/ai/"],
  ["/topics/AI/", "/topics/ai/"],
  ["/topics/AI/rss.xml", "/topics/ai/rss.xml"],
  ["/topics/Ai/archive/2026-05/atom.xml", "/topics/ai/archive/2026-05/atom.xml"],
  ["/topics/AI%20in%20Healthcare/feed.json", "/topics/ai-in-healthcare/feed.json"],
  ["/providers/NATURE", "/providers/nature/"],
  ["/categories/Research/atom.xml", "/categories/research/atom.xml"],
  ["/topics/ai/feed", "/topics/ai/rss.xml"],
  ["/topics/AI/feed/", "/topics/ai/rss.xml"],
  ["/topics/ai/atom", "/topics/ai/atom.xml"],
  ["/embed/topics/AI/", "/embed/topics/ai/"],
  ["/embed/topics/ai", "/embed/topics/ai/"],
] as const;

describe.each(STORE_KINDS)("with the %s store", (kind) => {
  it.each([...ROOT_CASES, ...TERM_CASES])("redirects %s to %s, keeping the query, in one hop", async (from, to) => {
    const fetchFeed = storeApp(kind, corpus(), NOW);
    const query = "?utm_source=newsletter&x=%C3%A9";
    const response = await fetchFeed(`${from}${query}`, { redirect: "manual" });
    expect(response.status).toBe(301);
    expect(response.headers.get("Location")).toBe(`${ORIGIN}${to}${query}`);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    // The target is the view itself: no second redirect, no loop.
    const target = await fetchFeed(`${to}${query}`, { redirect: "manual" });
    expect(target.status, to).toBe(200);
  });

  it.each([
    "/topics/nope",
    "/topics/NOPE/",
    "/topics/Nope/rss.xml",
    "/topics/nope/feed",
    "/providers/Unknown/atom.xml",
    // An embargoed term does not exist yet, under any spelling.
    "/topics/secret",
    "/topics/SECRET/rss.xml",
  ])("answers %s, an unknown term, with a 404 and no Location", async (path) => {
    const fetchFeed = storeApp(kind, corpus(), NOW);
    const response = await fetchFeed(path, { redirect: "manual" });
    expect(response.status).toBe(404);
    expect(response.headers.get("Location")).toBeNull();
    expect(response.headers.get("Content-Type")).toBe("application/problem+json; charset=utf-8");
    // Nothing of the scheduled article: the same answer as for a term that never was.
    const body = (await response.json()) as { detail: string };
    expect(body.detail).toMatch(/^There is no (topic|provider) [\w-]+\.$/);
  });

  it("costs a hit nothing: a cached view still answers without a store call, a case redirect with one", async () => {
    const fetchFeed = storeApp(kind, corpus(), NOW);
    await fetchFeed("/topics/ai/rss.xml");
    const calls = fetchFeed.store.calls;
    const hit = await fetchFeed("/topics/ai/rss.xml");
    expect(hit.headers.get("X-Cache")).toBe("HIT");
    expect(fetchFeed.store.calls).toBe(calls);
    const moved = await fetchFeed("/topics/AI/rss.xml", { redirect: "manual" });
    expect(moved.status).toBe(301);
    expect(fetchFeed.store.calls).toBe(calls + 1);
    // A fixed alias needs no store at all.
    await fetchFeed("/feed", { redirect: "manual" });
    expect(fetchFeed.store.calls).toBe(calls + 1);
  });
});

describe("what is not redirected", () => {
  it.each(["/", "/rss.xml", "/topics/ai/", "/topics/ai/rss.xml", "/feeds.opml"])("answers %s itself", async (path) => {
    const fetchFeed = storeApp("bundled", corpus(), NOW);
    const response = await fetchFeed(path, { redirect: "manual" });
    expect(response.status).toBe(200);
  });

  it.each(["/feedx", "/rss.xml/", "/topics/", "/topics", "/topics/AI/nothing.xml"])(
    "answers %s with a 404",
    async (path) => {
      const fetchFeed = storeApp("bundled", corpus(), NOW);
      const response = await fetchFeed(path, { redirect: "manual" });
      expect(response.status).toBe(404);
      expect(response.headers.get("Location")).toBeNull();
    },
  );

  it("serves /favicon.ico as the favicon itself, the bytes of /favicon.png", async () => {
    const fetchFeed = storeApp("bundled", corpus(), NOW);
    const ico = await fetchFeed("/favicon.ico");
    expect(ico.status).toBe(200);
    expect(ico.headers.get("Content-Type")).toBe("image/png");
    expect(ico.headers.get("X-Content-Type-Options")).toBe("nosniff");
    const png = await fetchFeed("/favicon.png");
    const bytes = new Uint8Array(await ico.arrayBuffer());
    expect(bytes).toEqual(new Uint8Array(await png.arrayBuffer()));
    // The PNG signature: a real image, not a page.
    expect([...bytes.slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(env.ASSETS).toBeDefined();
  });
});
