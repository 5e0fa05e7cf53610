// What people see: the home page's latest articles and feed addresses, the readable view
// of a feed and of an archive, and errors as pages for a browser tab. Both stores; HTML
// read back with HTMLRewriter, expected values from the fixture records.
import { describe, expect, it } from "vitest";
import { HOME_LATEST } from "../src/http/pages.js";
import { article, ORIGIN } from "./support/app.js";
import { first, select } from "./support/html.js";
import { STORE_KINDS, storeApp } from "./support/stores.js";

const at = (ms: number) => ({ publishedMs: ms, published: new Date(ms).toISOString().replace(".000Z", "Z") });
/** The clock: 2026-06-01T12:00Z. */
const NOW = Date.UTC(2026, 5, 1, 12);
const BROWSER = {
  Accept: "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
  "Sec-Fetch-Dest": "document",
};
const ai = { label: "AI", slug: "ai" };
const nature = { name: "Nature & Co", slug: "nature-co" };

/** Twelve visible articles, one a month from 2025-06 to 2026-05 (the newest first), and one scheduled. */
function corpus() {
  const visible = Array.from({ length: 12 }, (_, i) =>
    article({
      ...at(Date.UTC(2026, 4 - i, 10, 8)),
      title: `Story <${i}> & more`,
      summary: i % 3 === 2 ? undefined : `Excerpt ${i}: "quoted" <b>not bold</b>`,
      topics: [ai],
      provider: nature,
      images: i % 2 === 0 ? [{ url: `https://img.example/photo?id=${i}&size=l`, width: 800, height: 600 }] : [],
    }),
  );
  const scheduled = article({ ...at(NOW + 86_400_000), title: "Scheduled secret", topics: [ai] });
  return { visible, all: [...visible, scheduled] };
}

const textOf = (markup: string) => markup.replace(/<wbr>/g, "");

describe.each(STORE_KINDS)("with the %s store", (kind) => {
  it("shows the latest articles above the feeds: title, provider, date, excerpt, thumbnail", async () => {
    const { visible, all } = corpus();
    const fetchFeed = storeApp(kind, all, NOW);
    const response = await fetchFeed("/");
    expect(response.status).toBe(200);
    const page = await response.text();
    const items = await select(page, "section.latest .articles li");
    const expected = visible.slice(0, HOME_LATEST);
    expect(items).toHaveLength(expected.length);
    const links = await select(page, "section.latest .articles li a");
    const small = await select(page, "section.latest .articles li small");
    expect(links.map((link) => link.text)).toEqual(expected.map((a) => a.title));
    expect(links.map((link) => link.attrs.href)).toEqual(expected.map((a) => a.url));
    expect(small.map((s) => s.text)).toEqual(expected.map((a) => `${nature.name} · ${a.published.slice(0, 10)}`));
    const excerpts = await select(page, "section.latest .excerpt");
    expect(excerpts.map((e) => e.text)).toEqual(expected.flatMap((a) => (a.summary ? [a.summary] : [])));
    const thumbs = await select(page, "section.latest img.thumb");
    expect(thumbs.map((img) => img.attrs.src)).toEqual(expected.flatMap((a) => a.images.slice(0, 1).map((i) => i.url)));
    expect(thumbs.every((img) => img.attrs.alt === "")).toBe(true);
    expect(page).not.toContain("Scheduled secret");
    // Above the lists of feeds.
    expect(page.indexOf('class="latest"')).toBeLessThan(page.indexOf('id="feeds"'));
    expect(page.indexOf('id="feeds"')).toBeLessThan(page.indexOf("<h2>Topics</h2>"));
  });

  it("shows each feed's address as text to select, with a copy button a script reveals", async () => {
    const fetchFeed = storeApp(kind, corpus().all, NOW);
    for (const [path, base] of [
      ["/", ORIGIN],
      ["/topics/ai/", `${ORIGIN}/topics/ai`],
    ] as const) {
      const page = await (await fetchFeed(path)).text();
      const addresses = await select(textOf(page), "#feeds code.url, .feeds code.url");
      expect(
        addresses.map((code) => code.text),
        path,
      ).toEqual([`${base}/rss.xml`, `${base}/atom.xml`, `${base}/feed.json`]);
      const buttons = await select(page, "button.copy");
      expect(buttons.map((b) => b.attrs["data-copy"])).toEqual(addresses.map((code) => code.text));
      expect(buttons.every((b) => "hidden" in b.attrs && b.attrs.type === "button")).toBe(true);
      expect(await first(page, `script[src="${ORIGIN}/copy.js"]`)).toBeDefined();
    }
  });

  it("links each view's top feeds beside its own, and those feeds answer with their title", async () => {
    const fetchFeed = storeApp(kind, corpus().all, NOW);
    for (const [path, base, title] of [
      ["/", ORIGIN, "Top articles of the last 7 days — Signal Digest"],
      ["/topics/ai/", `${ORIGIN}/topics/ai`, "AI: top articles of the last 7 days — Signal Digest"],
    ] as const) {
      const page = await (await fetchFeed(path)).text();
      const links = await select(page, ".top-feeds a");
      expect(
        links.map((a) => [a.text, a.attrs.href]),
        path,
      ).toEqual([
        ["RSS", `${base}/top/rss.xml`],
        ["Atom", `${base}/top/atom.xml`],
        ["JSON Feed", `${base}/top/feed.json`],
      ]);
      const feed = (await (await fetchFeed(new URL(`${base}/top/feed.json`).pathname)).json()) as { title: string };
      expect(feed.title).toBe(title);
    }
  });

  it("has moved the developer note about _related off the home page", async () => {
    const page = await (await storeApp(kind, corpus().all, NOW)("/")).text();
    expect(page).not.toContain("_related");
  });

  it("makes the home page from one store call", async () => {
    const fetchFeed = storeApp(kind, corpus().all, NOW);
    await fetchFeed("/feed.json");
    const calls = fetchFeed.store.calls;
    await fetchFeed("/");
    expect(fetchFeed.store.calls - calls).toBe(1);
  });

  it("shows a feed's items with thumbnail and excerpt in the readable view", async () => {
    const { visible, all } = corpus();
    const fetchFeed = storeApp(kind, all, NOW);
    const page = await (await fetchFeed("/topics/ai/atom.xml?limit=5", { headers: BROWSER })).text();
    const links = await select(page, ".articles li a");
    expect(links.map((link) => link.text)).toEqual(visible.slice(0, 5).map((a) => a.title));
    const thumbs = await select(page, ".articles img.thumb");
    expect(thumbs.map((img) => img.attrs.src)).toEqual(
      visible.slice(0, 5).flatMap((a) => a.images.slice(0, 1).map((i) => i.url)),
    );
    const excerpts = await select(page, ".articles .excerpt");
    expect(excerpts.map((e) => e.text)).toEqual(visible.slice(0, 5).flatMap((a) => (a.summary ? [a.summary] : [])));
    expect((await first(textOf(page), "#feed-url"))?.text).toBe(`${ORIGIN}/topics/ai/atom.xml?limit=5`);
    expect((await first(page, ".banner"))?.text).toContain("To subscribe");
    expect((await first(page, 'a[rel="next"]'))?.attrs.href).toMatch(
      /^http:\/\/127\.0\.0\.1:8787\/topics\/ai\/atom\.xml\?limit=5&before=/,
    );
    // The first page leads to the newest finished month's archive.
    const archive = await first(page, 'a[rel="prev-archive"]');
    expect(archive?.attrs.href).toBe(`${ORIGIN}/topics/ai/archive/2026-05/atom.xml`);
    expect(archive?.text).toBe("Archive: May 2026");
  });

  it("titles an archive with its month, links the months around it and the live feed, and invites no subscription", async () => {
    const fetchFeed = storeApp(kind, corpus().all, NOW);
    const response = await fetchFeed("/archive/2026-03/rss.xml", { headers: BROWSER });
    expect(response.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    const page = await response.text();
    expect((await first(page, "title"))?.text).toBe("Signal Digest: March 2026 (RSS archive)");
    expect((await first(page, "h1"))?.text).toBe("Signal Digest: March 2026");
    const rel = async (name: string) => (await select(page, `a[rel="${name}"]`)).map((a) => [a.attrs.href, a.text]);
    expect(await rel("prev-archive")).toEqual([
      [`${ORIGIN}/archive/2026-02/rss.xml`, "← February 2026"],
      [`${ORIGIN}/archive/2026-02/rss.xml`, "← February 2026"],
    ]);
    expect((await rel("next-archive"))[0]).toEqual([`${ORIGIN}/archive/2026-04/rss.xml`, "April 2026 →"]);
    expect((await rel("current"))[0]).toEqual([`${ORIGIN}/rss.xml`, "The live feed"]);
    expect(page).not.toMatch(/subscribe/i);
    expect(page).not.toContain('rel="alternate"');
    expect(page).not.toContain("button");
    const items = await select(page, ".articles li a");
    expect(items.map((a) => a.text)).toEqual(["Story <2> & more"]);
    // The newest archive has no month after it that is over.
    const may = await (await fetchFeed("/archive/2026-05/rss.xml", { headers: BROWSER })).text();
    expect(await select(may, 'a[rel="next-archive"]')).toEqual([]);
    expect((await first(may, 'a[rel="prev-archive"]'))?.text).toBe("← April 2026");
  });

  it("breaks a long address only between its parts, never inside a word", async () => {
    const fetchFeed = storeApp(kind, corpus().all, NOW);
    const page = await (await fetchFeed("/topics/ai/feed.json?minQuality=5&type=article", { headers: BROWSER })).text();
    const code = /<code class="url" id="feed-url"[^>]*>(.*?)<\/code>/.exec(page)?.[1] ?? "";
    const parts = code.split("<wbr>");
    expect(parts.join("")).toBe("http://127.0.0.1:8787/topics/ai/feed.json?type=article&amp;minQuality=5");
    expect(parts).toEqual([
      "http://",
      "127.0.0.1:8787/",
      "topics/",
      "ai/",
      "feed.json",
      "?type=article",
      "&amp;minQuality=5",
    ]);
  });
});

describe("errors for people", () => {
  const fetchFeed = storeApp("bundled", corpus().all, NOW);

  it.each([
    ["/nothing-here", 404, "There is nothing at this address"],
    ["/topics/nope/rss.xml", 404, "There is no topic nope."],
    ["/feed.json?limit=500", 400, "Invalid query parameter: limit."],
    ["/archive/2026-06/atom.xml", 404, "The month 2026-06 is not over"],
    ["/missing.css", 404, "There is nothing at this address"],
  ])(
    "shows a browser tab's %s as a page (%i) with the problem and links to the feeds",
    async (path, status, detail) => {
      const response = await fetchFeed(path, { headers: BROWSER });
      expect(response.status).toBe(status);
      expect(response.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
      expect(response.headers.get("Cache-Control")).toBe("no-store");
      expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
      expect(response.headers.get("Vary")).toContain("Sec-Fetch-Dest");
      const page = await response.text();
      expect((await first(page, "h1"))?.text).toMatch(new RegExp(`^${status} `));
      expect((await first(page, ".detail"))?.text).toContain(detail);
      const hrefs = (await select(page, "main a")).map((a) => a.attrs.href);
      expect(hrefs).toEqual(
        expect.arrayContaining([`${ORIGIN}/rss.xml`, `${ORIGIN}/atom.xml`, `${ORIGIN}/feed.json`, `${ORIGIN}/`]),
      );
    },
  );

  it("lists each invalid parameter on the page, escaped", async () => {
    const response = await fetchFeed(`/feed.json?limit=0&topic=${encodeURIComponent("<script>alert(1)</script>")}`, {
      headers: BROWSER,
    });
    const page = await response.text();
    expect(page).not.toContain("<script>alert");
    const invalid = await select(page, ".invalid li");
    expect(invalid.map((li) => li.text.split(":")[0]).sort()).toEqual(["limit", "topic"]);
    expect(invalid.find((li) => li.text.startsWith("topic"))?.text).toMatch(/^topic: must be a slug/);
  });

  it.each([
    ["a feed reader", { Accept: "application/rss+xml, */*" }],
    ["a script", { Accept: "*/*", "Sec-Fetch-Dest": "empty" }],
    ["a browser tab asking for JSON", { Accept: "application/json", "Sec-Fetch-Dest": "document" }],
    ["a client preferring HTML outside a tab", { Accept: "text/html" }],
  ])("gives %s the problem document", async (_, headers) => {
    const response = await fetchFeed("/topics/nope/rss.xml", { headers });
    expect(response.status).toBe(404);
    expect(response.headers.get("Content-Type")).toBe("application/problem+json; charset=utf-8");
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(((await response.json()) as { detail: string }).detail).toBe("There is no topic nope.");
  });
});

describe("the JSON Feed extension's documentation", () => {
  it("is served where each item's _related.about points", async () => {
    const related = [{ title: "Related", url: "https://news.example.com/related" }];
    const fetchFeed = storeApp("bundled", [article({ ...at(Date.UTC(2026, 4, 1)), related })], NOW);
    const feed = (await (await fetchFeed("/feed.json")).json()) as { items: { _related?: { about: string } }[] };
    const about = feed.items[0]?._related?.about ?? "";
    expect(about).toBe(`${ORIGIN}/json-feed-extensions.html`);
    const doc = await fetchFeed(new URL(about).pathname);
    expect(doc.status).toBe(200);
    expect(doc.headers.get("Content-Type")).toContain("text/html");
    expect(await doc.text()).toContain("<code>_related</code>");
  });
});
