// Size amplification (issue 12, item 8): records as large as the schema allows, of the
// characters that grow most when escaped, served within the documented sizes. Thirty bodies
// of 200,000 `&` made a 54 MB page; now each item is cut to the item cap with a note, a
// page keeps to the byte budget, and `next` links carry on until every article is served.
import { describe, expect, it } from "vitest";
import type { Article } from "../src/content/article.js";
import { normalise } from "../src/content/normalise.js";
import { ArticleRecord, LIMITS } from "../src/content/schema.js";
import { ITEM_CAP_BYTES, PAGE_BUDGET_BYTES } from "../src/feed/budget.js";
import { ORIGIN } from "./support/app.js";
import { parseXml } from "./support/parse.js";
import { STORE_KINDS, storeApp } from "./support/stores.js";

const bytes = (text: string) => new TextEncoder().encode(text).byteLength;

/** Compiled by the build's own schema and normalise(), from front matter and a body. */
function hostile(i: number, body: string): Article {
  const record = ArticleRecord.parse({
    title: `Hostile ${i}`,
    webUrl: `https://hostile.example/${i}`,
    publishedDateTime: new Date(Date.UTC(2026, 4, 1) + i * 60_000),
  });
  return normalise(`hostile-${String(i).padStart(2, "0")}`, record, body);
}

const ampersands = "&".repeat(LIMITS.body);
const CORPUS = Array.from({ length: 30 }, (_, i) => hostile(i, ampersands));
/**
 * D1 reads every row of a page whole (a megabyte each), so its share is ten of them: still
 * more than one page of the budget.
 */
const CORPUS_OF = { bundled: CORPUS, d1: CORPUS.slice(0, 10) } as const;
/** Newest first, as every feed lists them. */
const idsOf = (articles: readonly Article[]) => articles.map((article) => article.id).reverse();

type Node = Record<string, unknown>;
const asList = (value: unknown) => (Array.isArray(value) ? value : value === undefined ? [] : [value]) as Node[];

interface Page {
  size: number;
  ids: string[];
  /** Each item's rendered form, as the document holds it. */
  itemSizes: number[];
  contents: string[];
  next?: string;
}

function readPage(format: "rss" | "atom" | "json", text: string): Page {
  const size = bytes(text);
  if (format === "json") {
    const feed = JSON.parse(text) as { next_url?: string; items: { id: string; content_html: string }[] };
    return {
      size,
      ids: feed.items.map((item) => item.id.slice(item.id.lastIndexOf(":") + 1)),
      itemSizes: feed.items.map((item) => bytes(JSON.stringify(item))),
      contents: feed.items.map((item) => item.content_html),
      next: feed.next_url,
    };
  }
  const tag = format === "rss" ? "item" : "entry";
  const itemSizes = [...text.matchAll(new RegExp(`<${tag}>[\\s\\S]*?</${tag}>`, "g"))].map((m) => bytes(m[0]));
  const root = parseXml(text);
  const feed = (format === "rss" ? (root.rss as Node).channel : root.feed) as Node;
  const links = asList(feed[format === "rss" ? "atom:link" : "link"]);
  const items = asList(feed[tag]);
  const idOf = (item: Node) => {
    const id = item[format === "rss" ? "guid" : "id"] as Node | string;
    const value = typeof id === "string" ? id : (id["#text"] as string);
    return value.slice(value.lastIndexOf(":") + 1);
  };
  const contentOf = (item: Node) => {
    const node = item[format === "rss" ? "content:encoded" : "content"] as Node | string;
    return typeof node === "string" ? node : (node["#text"] as string);
  };
  return {
    size,
    ids: items.map(idOf),
    itemSizes,
    contents: items.map(contentOf),
    next: links.find((link) => link["@rel"] === "next")?.["@href"] as string | undefined,
  };
}

const FILES = { rss: "rss.xml", atom: "atom.xml", json: "feed.json" } as const;

describe.each(STORE_KINDS)("with the %s store", (kind) => {
  // One app per store: D1 is loaded with its share of the corpus once.
  const corpus = CORPUS_OF[kind];
  const fetchFeed = storeApp(kind, corpus);
  describe.each(["rss", "atom", "json"] as const)("%s", (format) => {
    it.each(["", "?limit=100"])(
      `bodies of ${LIMITS.body} '&' keep to the budget, page after page%s`,
      async (search) => {
        const pages: Page[] = [];
        let path: string | undefined = `/${FILES[format]}${search}`;
        while (path !== undefined && pages.length < 40) {
          const response = await fetchFeed(path);
          expect(response.status).toBe(200);
          const page = readPage(format, await response.text());
          pages.push(page);
          path = page.next?.slice(ORIGIN.length);
        }
        // Every article once, newest first, across the pages.
        expect(pages.flatMap((page) => page.ids)).toEqual(idsOf(corpus));
        for (const page of pages) {
          expect(page.size).toBeLessThanOrEqual(PAGE_BUDGET_BYTES);
          for (const size of page.itemSizes) expect(size).toBeLessThanOrEqual(ITEM_CAP_BYTES);
          for (const content of page.contents) {
            // A start of the body, escaped once, then the note that says it was cut.
            const [, kept, note] = /^<p>((?:&amp;)*)<\/p>(.*)$/s.exec(content) ?? [];
            expect(kept?.length ?? 0).toBeGreaterThan(100_000);
            expect(note).toContain("longer than a feed item may be");
            expect(note).toContain(`href="https://hostile.example/`);
          }
        }
        // Large items make short pages; the budget, not the limit, ends them.
        expect(pages.length).toBeGreaterThan(1);
      },
      60_000,
    );
  });

  it("serves an item under the cap whole, and a mix of sizes in the order of the feed", async () => {
    const small = hostile(100, "A *small* body & an ampersand.");
    const mixed = storeApp(kind, [...CORPUS.slice(0, 3), small]);
    const page = readPage("rss", await (await mixed("/rss.xml")).text());
    expect(page.ids).toEqual(["hostile-100", "hostile-02", "hostile-01", "hostile-00"]);
    expect(page.contents[0]).toBe(small.contentHtml);
    expect(page.next).toBeUndefined();
  }, 60_000);
});
