// Feeds per topic, provider and category; filters; paging and archives (RFC 5005);
// discovery pages and OPML.
import { describe, expect, it } from "vitest";
import type { Article } from "../src/content/article.js";
import { article, NOW } from "./support/app.js";
import { checkJsonFeed } from "./support/jsonfeed-schema.js";
import { parseXml, readAtom, readRss } from "./support/parse.js";
import { type FeedFetcher, STORE_KINDS, storeApp } from "./support/stores.js";

const DAY = 86_400_000;
const at = (ms: number) => ({ publishedMs: ms, published: new Date(ms).toISOString().replace(".000Z", "Z") });
const topic = (label: string, slug: string) => ({ label, slug });
const AI = topic("AI", "ai");
const ENERGY = topic("Énergie renouvelable", "energie-renouvelable");
const NATURE = { name: "Nature", slug: "nature", domain: "nature.com", url: "https://nature.com/" };
const NEWS = topic("news", "news");

/** 30 articles, one a day back from NOW, with topics, providers and categories mixed. */
function corpus(): Article[] {
  return Array.from({ length: 30 }, (_, i) =>
    article({
      ...at(NOW - (i + 1) * DAY),
      topics: i % 3 === 0 ? [AI, ENERGY] : i % 2 === 0 ? [AI] : [],
      provider: i % 5 === 0 ? NATURE : undefined,
      category: i % 4 === 0 ? NEWS : undefined,
      type: i % 6 === 0 ? "video" : "article",
      quality: i * 3,
    }),
  );
}

async function jsonFeed(fetchFeed: FeedFetcher, path: string) {
  const response = await fetchFeed(path);
  expect(response.status, path).toBe(200);
  const feed = (await response.json()) as { title: string; next_url?: string; items: { id: string; title: string }[] };
  expect(checkJsonFeed(feed)).toEqual([]);
  return feed;
}

const idOf = (a: Article) => `tag:127.0.0.1,2026:${a.id}`;

/** rel → href of the feed-level links of an RSS or Atom document. */
function navLinks(xml: string): Record<string, string> {
  const root = parseXml(xml) as Record<string, Record<string, unknown>>;
  const holder = (root.rss ? (root.rss.channel as Record<string, unknown>) : root.feed) as Record<string, unknown>;
  const links = (holder["atom:link"] ?? holder.link) as { "@rel": string; "@href": string }[];
  return Object.fromEntries(links.map((link) => [link["@rel"], link["@href"]]));
}

describe.each(STORE_KINDS)("with the %s store", (kind) => {
  describe("topic, provider and category feeds", () => {
    const articles = corpus();
    const fetchFeed = storeApp(kind, articles);

    it.each([
      ["/topics/ai/feed.json", (a: Article) => a.topics.some((t) => t.slug === "ai"), "AI — Signal Digest"],
      [
        "/topics/energie-renouvelable/feed.json",
        (a: Article) => a.topics.some((t) => t.slug === "energie-renouvelable"),
        "Énergie renouvelable — Signal Digest",
      ],
      ["/providers/nature/feed.json", (a: Article) => a.provider?.slug === "nature", "Nature — Signal Digest"],
      ["/categories/news/feed.json", (a: Article) => a.category?.slug === "news", "news — Signal Digest"],
    ])("%s holds exactly its articles, newest first, under its own title", async (path, belongs, title) => {
      const feed = await jsonFeed(fetchFeed, `${path}?limit=100`);
      expect(feed.title).toBe(title);
      expect(feed.items.map((item) => item.id)).toEqual(articles.filter(belongs).map(idOf));
    });

    it("serves a slug in a script without ASCII folding, percent-encoded", async () => {
      const chinese = article({ topics: [topic("人工智能", "人工智能")] });
      const feed = await jsonFeed(storeApp(kind, [chinese]), "/topics/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/feed.json");
      expect(feed.title).toBe("人工智能 — Signal Digest");
      expect(feed.items.map((item) => item.id)).toEqual([idOf(chinese)]);
    });

    it("gives an article the same id in every feed it appears in", async () => {
      const first = articles[0] as Article;
      for (const path of [
        "/feed.json",
        "/topics/ai/feed.json",
        "/providers/nature/feed.json",
        "/categories/news/feed.json",
      ]) {
        const feed = await jsonFeed(fetchFeed, path);
        expect(feed.items[0]?.id, path).toBe(idOf(first));
      }
    });

    it.each([
      "/topics/unknown/rss.xml",
      "/providers/nobody/atom.xml",
      "/categories/none/feed.json",
      "/topics/unknown/",
      "/topics/ai/nothing.xml",
    ])("answers the unknown %s with a 404 problem", async (path) => {
      const response = await fetchFeed(path);
      expect(response.status).toBe(404);
      expect(response.headers.get("Content-Type")).toBe("application/problem+json; charset=utf-8");
    });

    it("uses each feed's own self link and HTML page in RSS and Atom", async () => {
      const rss = readRss(await (await fetchFeed("/providers/nature/rss.xml")).text());
      expect(rss.selfLinks).toEqual(["http://127.0.0.1:8787/providers/nature/rss.xml"]);
      const atom = readAtom(await (await fetchFeed("/providers/nature/atom.xml")).text());
      expect(atom.selfLinks).toEqual(["http://127.0.0.1:8787/providers/nature/atom.xml"]);
      expect(atom.alternates["text/html"]).toBe("http://127.0.0.1:8787/providers/nature/");
      expect(atom.title).toBe("Nature — Signal Digest");
    });
  });

  describe("filters", () => {
    const articles = corpus();
    const fetchFeed = storeApp(kind, articles);

    it.each([
      ["topic=ai", (a: Article) => a.topics.some((t) => t.slug === "ai")],
      ["provider=nature", (a: Article) => a.provider?.slug === "nature"],
      ["category=news", (a: Article) => a.category?.slug === "news"],
      ["type=video", (a: Article) => a.type === "video"],
      ["minQuality=45", (a: Article) => (a.quality ?? 0) >= 45],
      [
        "topic=ai&provider=nature&minQuality=10",
        (a: Article) =>
          a.topics.some((t) => t.slug === "ai") && a.provider?.slug === "nature" && (a.quality ?? 0) >= 10,
      ],
      ["topic=energie-renouvelable&type=video", (a: Article) => a.topics.length === 2 && a.type === "video"],
    ])("?%s selects exactly the matching articles", async (search, matches) => {
      const feed = await jsonFeed(fetchFeed, `/feed.json?${search}&limit=100`);
      expect(feed.items.map((item) => item.id)).toEqual(articles.filter(matches).map(idOf));
    });

    it("combines a path scope with query filters", async () => {
      const feed = await jsonFeed(fetchFeed, "/topics/ai/feed.json?category=news&limit=100");
      const matches = (a: Article) => a.topics.some((t) => t.slug === "ai") && a.category?.slug === "news";
      expect(feed.items.map((item) => item.id)).toEqual(articles.filter(matches).map(idOf));
    });

    it.each([
      ["topic=unknown", "topic"],
      ["provider=Not%20A%20Slug", "provider"],
      ["minQuality=101", "minQuality"],
      ["minQuality=-1", "minQuality"],
      ["type=Video", "type"],
      ["topic=ai&topic=energie-renouvelable", "topic"],
      ["before=page-2", "before"],
    ])("rejects ?%s with a 400 naming %s", async (search, name) => {
      const response = await fetchFeed(`/rss.xml?${search}`);
      expect(response.status).toBe(400);
      const problem = (await response.json()) as { invalid_params: { name: string }[] };
      expect(problem.invalid_params.map((param) => param.name)).toEqual([name]);
    });

    it("rejects a provider filter that contradicts the path", async () => {
      const response = await fetchFeed("/providers/nature/feed.json?provider=other");
      expect(response.status).toBe(400);
    });
  });

  describe("paging (RFC 5005, by keyset)", () => {
    const articles = corpus();
    const fetchFeed = storeApp(kind, articles);
    const local = (url: string | undefined) => url?.replace("http://127.0.0.1:8787", "");

    /** Follows one rel from `url` to the end: each page's items and links. */
    async function walk(url: string, rel: "next" | "previous") {
      const pages: { url: string; ids: string[]; links: Record<string, string> }[] = [];
      for (let at: string | undefined = url; at; at = local(pages.at(-1)?.links[rel])) {
        const response = await fetchFeed(at);
        expect(response.status, at).toBe(200);
        const text = await response.text();
        const read = at.includes("rss") ? readRss(text) : readAtom(text);
        pages.push({ url: at, ids: read.items.map((item) => item.id), links: navLinks(text) });
      }
      return pages;
    }

    it("reaches every visible article exactly once by following next links, then previous links back", async () => {
      for (const format of ["rss", "atom"]) {
        const first = `/${format}.xml?limit=7`;
        const forward = await walk(first, "next");
        expect(forward.flatMap((page) => page.ids)).toEqual(articles.map(idOf));
        expect(forward).toHaveLength(5);
        for (const page of forward) {
          expect(page.links.first).toBe(`http://127.0.0.1:8787${first}`);
          expect(page.links.last).toBe(forward[0]?.links.last);
        }
        // `last` is the oldest full page: it ends the series and stays put as articles arrive.
        const [last] = await walk(local(forward[0]?.links.last) as string, "next");
        expect(last?.ids).toEqual(articles.slice(-7).map(idOf));
        expect(last?.links.next).toBeUndefined();
        expect(forward[1]?.url).toMatch(new RegExp(`^/${format}\\.xml\\?limit=7&before=\\d+\\.fixture-\\d+$`));
        // Back from the last page: every article again, and the walk ends on the first page.
        const back = await walk(forward.at(-1)?.url as string, "previous");
        expect(back.at(-1)?.url).toBe(first);
        expect(new Set(back.flatMap((page) => page.ids))).toEqual(new Set(articles.map(idOf)));
      }
    });

    it("keeps a page's articles when newer ones are published", async () => {
      const shifting = [...corpus(), article({ ...at(NOW + DAY), title: "Tomorrow" })];
      const later = storeApp(kind, shifting);
      const [, second] = await walk("/atom.xml?limit=5", "next");
      const before = await (await later(second?.url as string)).text();
      later.clock.now = NOW + 2 * DAY;
      const first = readAtom(await (await later("/atom.xml?limit=5")).text());
      expect(first.items[0]?.title).toBe("Tomorrow");
      const after = await (await later(second?.url as string)).text();
      expect(readAtom(after).items).toEqual(readAtom(before).items);
    });

    it("follows next_url through the JSON Feed", async () => {
      const seen: string[] = [];
      let url: string | undefined = "/topics/ai/feed.json?limit=4";
      while (url) {
        const feed = await jsonFeed(fetchFeed, url);
        seen.push(...feed.items.map((item) => item.id));
        url = local(feed.next_url);
      }
      expect(seen).toEqual(articles.filter((a) => a.topics.some((t) => t.slug === "ai")).map(idOf));
    });

    it("pages a filtered view both ways without a last link", async () => {
      const matches = (a: Article) => (a.quality ?? 0) >= 30;
      const forward = await walk("/atom.xml?minQuality=30&limit=4", "next");
      expect(forward.every((page) => page.links.last === undefined)).toBe(true);
      expect(forward.flatMap((page) => page.ids)).toEqual(articles.filter(matches).map(idOf));
      // Back from the second page, whose previous page is the first.
      const back = await walk(forward[1]?.url as string, "previous");
      expect(back.map((page) => page.url)).toEqual([forward[1]?.url, forward[0]?.url]);
      expect(back.flatMap((page) => page.ids)).toEqual([...(forward[1]?.ids ?? []), ...(forward[0]?.ids ?? [])]);
    });

    it("answers a position past the oldest article with a 404, and a malformed one with a 400", async () => {
      expect((await fetchFeed("/feed.json?limit=10&before=0.fixture-1")).status).toBe(404);
      for (const cursor of ["3", "abc.fixture-1", "1.", "1.-x", "1.a b"]) {
        const response = await fetchFeed(`/feed.json?before=${encodeURIComponent(cursor)}`);
        expect(response.status, cursor).toBe(400);
        const problem = (await response.json()) as { invalid_params: { name: string }[] };
        expect(problem.invalid_params.map((param) => param.name)).toEqual(["before"]);
      }
    });
  });

  describe("archives (RFC 5005)", () => {
    const month = (year: number, m: number, day: number) => at(Date.UTC(year, m - 1, day, 12));
    const articles = [
      article({ ...month(2026, 5, 20), topics: [AI] }),
      article({ ...month(2026, 4, 2) }),
      article({ ...month(2026, 4, 1), topics: [AI] }),
      article({ ...month(2026, 2, 14), topics: [AI] }),
      article({ ...month(2026, 6, 1) }),
    ];
    // NOW is 2026-06-01T12:00Z: June is the current month, May and earlier are archived.

    it("links the subscription feed to the newest archive, and archives to each other", async () => {
      const fetchFeed = storeApp(kind, articles);
      const current = navLinks(await (await fetchFeed("/atom.xml")).text());
      expect(current["prev-archive"]).toBe("http://127.0.0.1:8787/archive/2026-05/atom.xml");

      const may = await (await fetchFeed("/archive/2026-05/atom.xml")).text();
      expect(may).toContain("<fh:archive/>");
      expect(readAtom(may).items.map((item) => item.title)).toEqual([articles[0]?.title]);
      expect(navLinks(may)).toMatchObject({
        current: "http://127.0.0.1:8787/atom.xml",
        "prev-archive": "http://127.0.0.1:8787/archive/2026-04/atom.xml",
      });
      expect(navLinks(may)["next-archive"]).toBeUndefined();

      const april = navLinks(await (await fetchFeed("/archive/2026-04/rss.xml")).text());
      expect(april["next-archive"]).toBe("http://127.0.0.1:8787/archive/2026-05/rss.xml");
      expect(april["prev-archive"]).toBe("http://127.0.0.1:8787/archive/2026-02/rss.xml");
    });

    it("reaches every article once through the current feed and its archives", async () => {
      const fetchFeed = storeApp(kind, articles);
      const seen = readRss(await (await fetchFeed("/topics/ai/rss.xml")).text())
        .items.filter((item) => item.date.includes("Jun 2026"))
        .map((item) => item.id);
      let url: string | undefined = navLinks(await (await fetchFeed("/topics/ai/rss.xml")).text())["prev-archive"];
      while (url) {
        const text = await (await fetchFeed(url.replace("http://127.0.0.1:8787", ""))).text();
        seen.push(...readRss(text).items.map((item) => item.id));
        url = navLinks(text)["prev-archive"];
      }
      expect(seen).toEqual(articles.filter((a) => a.topics.includes(AI)).map(idOf));
    });

    it("keeps an archive's bytes when newer articles arrive, and caches it for long", async () => {
      const before = await storeApp(kind, articles)("/archive/2026-04/feed.json");
      const later = storeApp(kind, [article({ ...month(2026, 6, 1) }), ...articles], NOW + 40 * DAY);
      const after = await later("/archive/2026-04/feed.json");
      expect(await after.text()).toBe(await before.text());
      expect(after.headers.get("ETag")).toBe(before.headers.get("ETag"));
      expect(before.headers.get("Cache-Control")).toContain("max-age=2592000,");
    });

    it.each([
      ["/archive/2026-06/rss.xml", 404],
      ["/archive/2030-01/rss.xml", 404],
      ["/archive/2026-03/rss.xml", 404],
      ["/archive/2026-13/rss.xml", 404],
      ["/archive/may/rss.xml", 404],
      ["/archive/2026-05/rss.xml?limit=5", 400],
    ])("answers %s with %i", async (path, status) => {
      expect((await storeApp(kind, articles)(path)).status).toBe(status);
    });
  });

  describe("discovery", () => {
    const articles = corpus();
    const fetchFeed = storeApp(kind, articles);

    it("lists every feed on the home page with its count and newest date", async () => {
      const html = await (await fetchFeed("/")).text();
      expect(html).toContain('href="http://127.0.0.1:8787/topics/energie-renouvelable/"');
      expect(html).toMatch(
        /Énergie renouvelable<\/a><\/td><td class="count">10<\/td><td class="newest">2026-05-31<\/td>/,
      );
      expect(html).toMatch(/<strong>30<\/strong> articles, the newest from 2026-05-31/);
      for (const type of ["application/rss+xml", "application/atom+xml", "application/feed+json"]) {
        expect(html).toContain(`<link rel="alternate" type="${type}"`);
      }
    });

    it("gives each topic a page with its own three feeds", async () => {
      const response = await fetchFeed("/topics/ai/");
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).toContain(
        '<link rel="alternate" type="application/atom+xml" title="AI — Signal Digest (Atom)" href="http://127.0.0.1:8787/topics/ai/atom.xml">',
      );
      expect(html).not.toContain('href="http://127.0.0.1:8787/atom.xml"');
    });

    it("lists every feed in a valid OPML 2.0 document", async () => {
      const response = await fetchFeed("/feeds.opml");
      expect(response.headers.get("Content-Type")).toBe("text/x-opml; charset=utf-8");
      const opml = parseXml(await response.text()) as {
        opml: { "@version": string; body: { outline: { "@text": string; "@xmlUrl"?: string; outline?: unknown }[] } };
      };
      expect(opml.opml["@version"]).toBe("2.0");
      const urls: string[] = [];
      const walk = (outlines: unknown) => {
        for (const outline of ([] as Record<string, unknown>[]).concat(outlines as Record<string, unknown>[])) {
          if (outline["@xmlUrl"]) urls.push(outline["@xmlUrl"] as string);
          if (outline.outline) walk(outline.outline);
        }
      };
      walk(opml.opml.body.outline);
      expect(urls).toEqual(
        expect.arrayContaining([
          "http://127.0.0.1:8787/rss.xml",
          "http://127.0.0.1:8787/top/rss.xml",
          "http://127.0.0.1:8787/topics/ai/rss.xml",
          "http://127.0.0.1:8787/topics/energie-renouvelable/rss.xml",
          "http://127.0.0.1:8787/providers/nature/rss.xml",
          "http://127.0.0.1:8787/categories/news/rss.xml",
        ]),
      );
      expect(urls).toHaveLength(6);
    });
  });
});
