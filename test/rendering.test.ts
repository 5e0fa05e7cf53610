// Rendering of fixture articles: text safety, visibility over time, determinism.
import { describe, expect, it } from "vitest";
import { article, NOW } from "./support/app.js";
import { checkJsonFeed } from "./support/jsonfeed-schema.js";
import { parseXml, readAtom, readRss } from "./support/parse.js";
import { type FeedFetcher, STORE_KINDS, storeApp } from "./support/stores.js";

const FORMATS = ["/rss.xml", "/atom.xml", "/feed.json"] as const;

async function read(fetchFeed: FeedFetcher, path: (typeof FORMATS)[number]) {
  const response = await fetchFeed(`${path}?limit=100`);
  expect(response.status).toBe(200);
  const text = await response.text();
  if (path === "/rss.xml") return readRss(text).items;
  if (path === "/atom.xml") return readAtom(text).items;
  const feed = JSON.parse(text);
  expect(checkJsonFeed(feed)).toEqual([]);
  return (feed.items as Record<string, string>[]).map((item) => ({
    id: item.id,
    title: item.title,
    summary: item.summary,
    content: item.content_html,
    link: item.url,
  }));
}

/** Every element name in a parsed XML tree. */
function elementNames(node: unknown, names = new Set<string>()): Set<string> {
  if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (!key.startsWith("@") && key !== "#text") names.add(key);
      elementNames(value, names);
    }
  }
  return names;
}

describe.each(STORE_KINDS)("with the %s store", (kind) => {
  describe("text safety", () => {
    const hostile = article({
      title: 'Two ]]> in ]]> one <title> & "quotes" \u200F\u05E9\u05DC\u05D5\u05DD 🎉 𝔘',
      summary: "Summary with ]]> and <script>alert(1)</script> & <b>markup</b>",
      contentHtml: "<p>Body with ]]&gt; twice ]]&gt; and &lt;script&gt;</p>",
      category: { label: "<category>]]>", slug: "category" },
      topics: [{ label: 'Topic "quoted" & <tagged>', slug: "topic-quoted-tagged" }],
      provider: { name: "Provider <&> ]]>", slug: "provider" },
      related: [{ title: 'Related "title" ]]> <x>', url: "https://example.com/related?a=1&b=<2>" }],
    });

    it.each(FORMATS)("%s keeps every character of hostile text and adds no markup", async (path) => {
      const [item] = await read(storeApp(kind, [hostile]), path);
      expect(item?.title).toBe(hostile.title);
      expect(item?.link).toBe(hostile.url);
      if (path === "/rss.xml") {
        // RSS readers read description as HTML, so the excerpt arrives HTML-escaped.
        expect(item?.summary).toBe(
          hostile.summary?.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;"),
        );
      } else {
        expect(item?.summary).toBe(hostile.summary);
      }
      expect(item?.content).toBe(hostile.contentHtml);
    });

    it.each(["/rss.xml", "/atom.xml"] as const)("%s has only elements the renderer writes", async (path) => {
      const text = await (await storeApp(kind, [hostile])(path)).text();
      const names = elementNames(parseXml(text));
      for (const name of ["script", "b", "title>", "x", "tagged", "category>"]) expect(names.has(name)).toBe(false);
      // The HTML body alone travels in CDATA (escaped once, by Markdown); no text field does.
      expect(text.match(/<!\[CDATA\[/g)).toHaveLength(1);
      expect(text).toMatch(
        path === "/rss.xml" ? /<content:encoded><!\[CDATA\[<p>/ : /<content type="html"><!\[CDATA\[<p>/,
      );
    });

    it.each(["/rss.xml", "/atom.xml"] as const)(
      "%s carries a body's escapes once, and a ]]> in it intact",
      async (path) => {
        const ampersands = article({ contentHtml: `<p>${"&amp;".repeat(10_000)}</p>` });
        const closer = article({ contentHtml: "<p>a</p>]]><p>b ]]]]> c</p>" });
        const text = await (await storeApp(kind, [ampersands, closer])(path)).text();
        expect(text).not.toContain("&amp;amp;");
        // 10,000 characters escaped once are 50,000 bytes; escaped twice, they were 90,000.
        expect(new TextEncoder().encode(text).byteLength).toBeLessThan(55_000);
        const items = path === "/rss.xml" ? readRss(text).items : readAtom(text).items;
        expect(items.map((item) => item.content)).toEqual([closer.contentHtml, ampersands.contentHtml]);
      },
    );

    it("keeps JSON safe to inline in an HTML page", async () => {
      const text = await (await storeApp(kind, [hostile])("/feed.json")).text();
      expect(text).not.toContain("<");
      expect(JSON.parse(text).items[0].title).toBe(hostile.title);
    });
  });

  describe("visibility", () => {
    it("hides an article scheduled one minute ahead until the clock passes it", async () => {
      const past = article({ publishedMs: NOW - 3_600_000, published: new Date(NOW - 3_600_000).toISOString() });
      const soon = article({ publishedMs: NOW + 60_000, published: new Date(NOW + 60_000).toISOString() });
      for (const path of FORMATS) {
        const before = await read(storeApp(kind, [past, soon], NOW), path);
        expect(before.map((item) => item.title)).toEqual([past.title]);
        const after = await read(storeApp(kind, [past, soon], NOW + 60_000), path);
        expect(after.map((item) => item.title)).toEqual([soon.title, past.title]);
      }
    });

    it("puts the newest first and breaks ties by id", async () => {
      const at = Date.UTC(2026, 1, 1);
      const published = new Date(at).toISOString();
      const b = article({ id: "b", publishedMs: at, published });
      const a = article({ id: "a", publishedMs: at, published });
      const newest = article({ id: "c", publishedMs: at + 1000, published: new Date(at + 1000).toISOString() });
      const items = await read(storeApp(kind, [b, newest, a]), "/feed.json");
      expect(items.map((item) => item.id?.split(":").at(-1))).toEqual(["c", "a", "b"]);
    });
  });

  describe("feed level", () => {
    it("dates an empty feed at the epoch, never at the time of rendering", async () => {
      const fetchFeed = storeApp(kind, []);
      const atom = readAtom(await (await fetchFeed("/atom.xml")).text());
      expect(atom.updated).toBe("1970-01-01T00:00:00Z");
      expect(atom.items).toEqual([]);
      const json = await (await fetchFeed("/feed.json")).json();
      expect(checkJsonFeed(json)).toEqual([]);
    });

    it("uses the configured origin, not the Host header, in every URL", async () => {
      const fetchFeed = storeApp(kind, [article()]);
      for (const path of FORMATS) {
        const text = await (
          await fetchFeed(path, { headers: { Host: "evil.example", "X-Forwarded-Host": "evil.example" } })
        ).text();
        expect(text).not.toContain("evil.example");
        expect(text).toContain("http://127.0.0.1:8787/");
      }
    });

    it("gives an item without excerpt or body its title as text", async () => {
      const bare = article({ title: "Only a title" });
      const fetchFeed = storeApp(kind, [bare]);
      const json = (await (await fetchFeed("/feed.json")).json()) as { items: { content_text: string }[] };
      expect(json.items[0]?.content_text).toBe("Only a title");
      const [entry] = readAtom(await (await fetchFeed("/atom.xml")).text()).items;
      expect(entry?.summary).toBe("Only a title");
      // RSS too: its core `description`, the only text a reader of core RSS shows.
      const [item] = readRss(await (await fetchFeed("/rss.xml")).text()).items;
      expect(item?.summary).toBe("Only a title");
    });
  });
});
