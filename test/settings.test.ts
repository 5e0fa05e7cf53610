// Site settings a publisher sets in wrangler.toml [vars] (issue 15, item 3): the page size,
// full text or excerpt only, and a site under a path. Each is part of the settings hash.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { siteConfig } from "../src/config.js";
import { publishChanges } from "../src/websub/publish.js";
import { article, NOW, ORIGIN, worker } from "./support/app.js";
import { parseXml, readAtom, readRss } from "./support/parse.js";
import { STORE_KINDS, storeApp } from "./support/stores.js";

type Node = Record<string, unknown>;
const asList = (value: unknown) => (Array.isArray(value) ? value : value === undefined ? [] : [value]) as Node[];
const rssLinks = (xml: string, rel: string) =>
  asList(((parseXml(xml).rss as Node).channel as Node)["atom:link"])
    .filter((link) => link["@rel"] === rel)
    .map((link) => link["@href"] as string);

const at = (minutes: number) => {
  const publishedMs = NOW - minutes * 60_000;
  return { publishedMs, published: new Date(publishedMs).toISOString().replace(".000Z", "Z") };
};
const ARTICLES = Array.from({ length: 12 }, (_, i) =>
  article({
    ...at(i + 1),
    summary: `Excerpt ${i}`,
    contentHtml: `<p>Body ${i}</p>`,
    topics: [{ label: "AI", slug: "ai" }],
    images: [{ url: `https://images.example-cdn.com/photo?id=${i}` }],
  }),
);

describe("the settings hash", () => {
  it.each([
    ["PAGE_SIZE", "7"],
    ["FULL_TEXT", "false"],
    ["SITE_URL", "https://example.org/news"],
  ])("changes with %s, so no cache entry outlives the setting", (name, value) => {
    expect(siteConfig({ ...env, [name]: value }).version).not.toBe(siteConfig({ ...env }).version);
  });

  it.each([
    ["PAGE_SIZE", "0"],
    ["PAGE_SIZE", "101"],
    ["PAGE_SIZE", "ten"],
    ["FULL_TEXT", "yes"],
    ["SITE_URL", "https://example.org/news?x=1"],
    ["SITE_URL", "https://example.org//news"],
    ["SITE_URL", "https://user:secret@example.org/news"],
  ])("rejects %s = %j, naming it", (name, value) => {
    expect(() => siteConfig({ ...env, [name]: value })).toThrow(new RegExp(`${name}: `));
  });

  it("reads the booleans TOML writes as well as strings", () => {
    expect(siteConfig({ ...env, FULL_TEXT: false }).fullText).toBe(false);
    expect(siteConfig({ ...env, FULL_TEXT: "true" }).fullText).toBe(true);
    expect(siteConfig({ ...env, PAGE_SIZE: 7 }).pageSize).toBe(7);
  });

  it("keeps the shipped wrangler.toml's defaults: 20 items, full text, no path", () => {
    const site = siteConfig(env);
    expect([site.pageSize, site.fullText, site.basePath]).toEqual([20, true, ""]);
  });
});

describe.each(STORE_KINDS)("with the %s store", (kind) => {
  describe("PAGE_SIZE", () => {
    const fetchFeed = storeApp(kind, ARTICLES, NOW, { PAGE_SIZE: "5" });

    it("sets the items of a page that names no limit, and ?limit=<page size> is that same view", async () => {
      const xml = await (await fetchFeed("/rss.xml")).text();
      expect(readRss(xml).items).toHaveLength(5);
      expect(rssLinks(xml, "self")).toEqual([`${ORIGIN}/rss.xml`]);
      // The next page names its position only: the limit is the default one.
      expect(rssLinks(xml, "next")[0]).toMatch(new RegExp(`^${ORIGIN}/rss\\.xml\\?before=[^&]+$`));
      const same = await fetchFeed("/rss.xml?limit=5");
      expect(same.headers.get("X-Cache")).toBe("HIT");
      expect(await same.text()).toBe(xml);
    });

    it("leaves an explicit other limit in the URL, the old default included", async () => {
      const xml = await (await fetchFeed("/rss.xml?limit=20")).text();
      expect(readRss(xml).items).toHaveLength(12);
      expect(rssLinks(xml, "self")).toEqual([`${ORIGIN}/rss.xml?limit=20`]);
      const json = (await (await fetchFeed("/feed.json?limit=3")).json()) as { items: unknown[]; next_url: string };
      expect(json.items).toHaveLength(3);
      expect(json.next_url).toContain("limit=3");
    });
  });

  describe("FULL_TEXT", () => {
    it.each(["false", "true"])("FULL_TEXT=%s: bodies in every format, or only the excerpt", async (value) => {
      const fetchFeed = storeApp(kind, ARTICLES, NOW, { FULL_TEXT: value });
      const full = value === "true";
      const rss = readRss(await (await fetchFeed("/rss.xml")).text()).items;
      const atom = readAtom(await (await fetchFeed("/atom.xml")).text()).items;
      const json = (
        (await (await fetchFeed("/feed.json")).json()) as {
          items: { summary: string; content_html?: string; content_text?: string }[];
        }
      ).items;
      const expected = ARTICLES.slice(0, 12);
      for (const [i, source] of expected.entries()) {
        expect(rss[i]?.content).toBe(full ? source.contentHtml : undefined);
        expect(atom[i]?.content).toBe(full ? source.contentHtml : undefined);
        expect(json[i]?.content_html).toBe(full ? source.contentHtml : undefined);
        // The excerpt stays in every format; JSON Feed's required content is then the excerpt.
        expect(rss[i]?.summary).toBe(source.summary);
        expect(atom[i]?.summary).toBe(source.summary);
        expect(json[i]?.summary).toBe(source.summary);
        expect(json[i]?.content_text).toBe(full ? undefined : source.summary);
      }
    });
  });

  describe("SITE_URL with a path", () => {
    const BASE = `${ORIGIN}/news`;
    const fetchFeed = storeApp(kind, ARTICLES, NOW, { SITE_URL: BASE });

    it.each([
      ["/news/rss.xml", "rss"],
      ["/news/atom.xml", "atom"],
      ["/news/topics/ai/rss.xml", "rss"],
    ])("serves %s with self, alternate and item links under the path", async (path, format) => {
      const response = await fetchFeed(path);
      expect(response.status).toBe(200);
      const text = await response.text();
      const feed = format === "rss" ? readRss(text) : readAtom(text);
      expect(feed.selfLinks).toEqual([`${ORIGIN}${path}`]);
      for (const href of Object.values(feed.alternates)) expect(href.startsWith(`${BASE}/`)).toBe(true);
      expect(response.headers.get("Link")).toContain(`<${ORIGIN}${path}>; rel="self"`);
      // Every absolute URL the service writes is under the base; none escapes to the root.
      for (const [url] of text.matchAll(/http:\/\/127\.0\.0\.1:8787[^"<\s]*/g)) expect(url.startsWith(BASE)).toBe(true);
      // Ids are minted under the path, so another site on the host never shares one.
      expect(feed.items[0]?.id).toBe(`tag:127.0.0.1,2026:news/${ARTICLES[0]?.id}`);
    });

    it("serves the JSON feed, its next page and the home page under the path", async () => {
      const json = (await (await fetchFeed("/news/feed.json?limit=5")).json()) as {
        feed_url: string;
        home_page_url: string;
        next_url: string;
      };
      expect(json.feed_url).toBe(`${BASE}/feed.json?limit=5`);
      expect(json.home_page_url).toBe(`${BASE}/`);
      const next = await fetchFeed(json.next_url.slice(ORIGIN.length));
      expect(next.status).toBe(200);
      expect((await fetchFeed("/news/")).status).toBe(200);
      expect((await fetchFeed("/news/feeds.opml")).status).toBe(200);
    });

    it("redirects the bare path to its home, query kept", async () => {
      const response = await fetchFeed("/news?utm=1", { redirect: "manual" });
      expect(response.status).toBe(301);
      expect(response.headers.get("Location")).toBe(`${BASE}/?utm=1`);
    });

    it.each(["/rss.xml", "/", "/newsletter/rss.xml", "/News/rss.xml"])(
      "answers %s, outside the path, with a 404 problem",
      async (path) => {
        const response = await fetchFeed(path);
        expect(response.status).toBe(404);
        expect(response.headers.get("Content-Type")).toBe("application/problem+json; charset=utf-8");
        expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
        expect(((await response.json()) as { status: number }).status).toBe(404);
      },
    );

    it("serves public/ assets under the path, asking ASSETS without it", async () => {
      const css = await fetchFeed("/news/site.css");
      expect(css.status).toBe(200);
      expect(css.headers.get("Content-Type")).toMatch(/^text\/css/);
      const shipped = await worker("/site.css");
      expect(await css.text()).toBe(await shipped.text());
      expect((await fetchFeed("/news/feed.xsl")).status).toBe(200);
      expect((await fetchFeed("/news/no-such-file.css")).status).toBe(404);
    });

    it("points the feeds' stylesheet and icons under the path", async () => {
      const text = await (await fetchFeed("/news/rss.xml")).text();
      expect(text).toContain(`href="${BASE}/feed.xsl"`);
      expect(text).toContain(`<url>${BASE}/icon.png</url>`);
    });
  });
});

describe("WebSub under a path", () => {
  beforeEach(async () => {
    await env.WEBSUB_STATE.delete("websub-state");
  });

  it("pings the hub with the feeds' full URLs, path included", async () => {
    const fetchFeed = storeApp("bundled", ARTICLES.slice(0, 2), NOW, {
      SITE_URL: `${ORIGIN}/news`,
      WEBSUB_HUB: "https://hub.example/",
    });
    const bodies: string[] = [];
    const report = await publishChanges(
      {
        store: fetchFeed.store,
        now: () => NOW,
        state: env.WEBSUB_STATE,
        fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
          bodies.push(new TextDecoder().decode(await new Request(input, init).arrayBuffer()));
          return new Response(null, { status: 202 });
        }) as typeof fetch,
        log: () => {},
      },
      siteConfig(fetchFeed.env),
    );
    const pinged = bodies.flatMap((body) => new URLSearchParams(body).getAll("hub.url"));
    const expected = ["", "/topics/ai"].flatMap((path) =>
      ["rss.xml", "atom.xml", "feed.json"].map((file) => `${ORIGIN}/news${path}/${file}`),
    );
    expect(pinged.sort()).toEqual(expected.sort());
    expect(report.pinged.sort()).toEqual(expected.sort());
  });
});
