// What a reader of core elements only sees (issue 15, items 1 and 2): each format is read
// with an independent parser (fast-xml-parser, JSON.parse) looking at nothing but RSS
// `enclosure`/`description`, Atom `link rel="enclosure"`/`summary`/`content` and JSON Feed
// `image`/`content_*`/`summary`. Every image and a non-empty text must be found for every
// item of the shipped content/ and of a corpus of extension-less image URLs
// (test/corpus/readers/). What is expected is read off the record files, parsed here with
// the `yaml` package, never off the compiled articles.
/// <reference types="vite/client" />
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import type { Article } from "../src/content/article.js";
import { parseRecord } from "../src/content/compile.js";
import { worker } from "./support/app.js";
import { STORE_KINDS, storeApp } from "./support/stores.js";

const SHIPPED = import.meta.glob("../content/*.md", { query: "?raw", import: "default", eager: true }) as Record<
  string,
  string
>;
const CORPUS = import.meta.glob("./corpus/readers/*.md", { query: "?raw", import: "default", eager: true }) as Record<
  string,
  string
>;

/** A record file as a reader of this test sees it: its front matter and body. */
interface Expected {
  id: string;
  title: string;
  excerpt?: string;
  body: string;
  images: { url: string; type?: string }[];
  visibleAt: number;
  draft: boolean;
}

function readRecord(file: string, text: string): Expected {
  const match = /^---[^\n]*\n([\s\S]*?)\n---[ \t]*(?:\n([\s\S]*))?$/.exec(text.replace(/\r\n?/g, "\n"));
  if (!match) throw new Error(`${file}: no front matter`);
  const data = parseYaml(match[1] as string) as Record<string, unknown>;
  const images = (data.images as { url: string; type?: string }[] | undefined) ?? [];
  return {
    id: (file.split("/").at(-1) as string).replace(/\.md$/, ""),
    title: String(data.title).trim(),
    excerpt: typeof data.excerpt === "string" && data.excerpt.trim() ? data.excerpt.trim() : undefined,
    body: (match[2] ?? "").trim(),
    // The URL as a URL parser writes it, as the record schema normalises it.
    images: images.map((image) => ({ url: new URL(image.url).href, type: image.type })),
    visibleAt: Date.parse(String(data.publishedDateTime)),
    draft: data.published === false,
  };
}

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  parseTagValue: false,
  processEntities: true,
  htmlEntities: true,
  isArray: (name) => ["item", "entry", "link"].includes(name),
});

type Node = Record<string, unknown>;
const textOf = (node: unknown): string =>
  typeof node === "string" ? node : node === undefined ? "" : String((node as Node)["#text"] ?? "");

/** One item as a core reader sees it: its record id, images (with types) and readable text. */
interface Seen {
  id: string;
  images: { url: string; type?: string }[];
  text: string;
  summary: string;
}

const idOf = (value: string) => value.slice(value.lastIndexOf(":") + 1);
/** RSS `description` is HTML; its text, for comparing with the record. */
const htmlText = (html: string) =>
  html
    .replace(/<[^>]*>/g, "")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&amp;", "&");

const READERS = {
  rss(body: string): Seen[] {
    const channel = (xml.parse(body).rss as Node).channel as Node;
    return ((channel.item as Node[] | undefined) ?? []).map((item) => {
      const enclosure = item.enclosure as Node | undefined;
      const description = htmlText(textOf(item.description));
      return {
        id: idOf(textOf(item.guid)),
        images: enclosure ? [{ url: enclosure["@url"] as string, type: enclosure["@type"] as string }] : [],
        text: description,
        summary: description,
      };
    });
  },
  atom(body: string): Seen[] {
    const feed = xml.parse(body).feed as Node;
    return ((feed.entry as Node[] | undefined) ?? []).map((entry) => {
      const links = (entry.link as Node[] | undefined) ?? [];
      const summary = textOf(entry.summary);
      return {
        id: idOf(textOf(entry.id)),
        images: links
          .filter((link) => link["@rel"] === "enclosure")
          .map((link) => ({ url: link["@href"] as string, type: link["@type"] as string | undefined })),
        text: `${summary}${textOf(entry.content)}`,
        summary,
      };
    });
  },
  json(body: string): Seen[] {
    const feed = JSON.parse(body) as {
      items: { id: string; image?: string; summary?: string; content_html?: string; content_text?: string }[];
    };
    return feed.items.map((item) => ({
      id: idOf(item.id),
      images: item.image ? [{ url: item.image }] : [],
      text: `${item.summary ?? ""}${item.content_html ?? ""}${item.content_text ?? ""}`,
      summary: item.summary ?? "",
    }));
  },
};

const FILES = { rss: "/rss.xml?limit=100", atom: "/atom.xml?limit=100", json: "/feed.json?limit=100" } as const;
type Format = keyof typeof FILES;

/** The rule docs/feeds.md gives, by the extensions the sample uses. */
const BY_EXTENSION: Record<string, string> = {
  gif: "image/gif",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
};
function expectedType(image: { url: string; type?: string }): string {
  const extension = /\.([a-z]+)$/i.exec(new URL(image.url).pathname)?.[1]?.toLowerCase();
  return image.type ?? (extension && BY_EXTENSION[extension]) ?? "image/*";
}

/** What each item must show a core reader, format by format. */
function expectSeen(format: Format, seen: Seen[], records: Expected[]) {
  const byId = new Map(seen.map((item) => [item.id, item]));
  expect([...byId.keys()].sort()).toEqual(records.map((record) => record.id).sort());
  for (const record of records) {
    const item = byId.get(record.id) as Seen;
    // Every image: RSS and JSON Feed carry one per item (the first), Atom all of them.
    const images = format === "atom" ? record.images : record.images.slice(0, 1);
    expect(
      item.images.map((image) => image.url),
      `${format} ${record.id}`,
    ).toEqual(images.map((image) => image.url));
    if (format !== "json") {
      expect(item.images.map((image) => image.type)).toEqual(images.map(expectedType));
    }
    // Never blank: the excerpt, else one derived from the body, else the title.
    expect(item.text.trim(), `${format} ${record.id}`).not.toBe("");
    if (record.excerpt) expect(item.summary).toBe(record.excerpt);
    else if (!record.body) expect(item.summary).toBe(record.title);
    else {
      // Derived: plain words of the body, at most 300 characters, no Markdown left.
      expect(item.summary.length).toBeGreaterThan(0);
      expect(item.summary.length).toBeLessThanOrEqual(300);
      expect(item.summary).not.toMatch(/\*\*|\]\(|^#/);
      for (const word of item.summary.replace(/…$/, "").split(/\s+/).slice(0, 5)) {
        expect(record.body).toContain(word.replace(/[.,…]$/, ""));
      }
    }
  }
}

describe("the shipped content/, as the Worker serves it", () => {
  const records = Object.entries(SHIPPED).map(([file, text]) => readRecord(file, text));
  const visible = () => records.filter((record) => !record.draft && record.visibleAt <= Date.now());

  it("holds records with images and records without an excerpt", () => {
    expect(visible().filter((record) => record.images.length > 0).length).toBeGreaterThan(10);
  });

  it.each(Object.keys(FILES) as Format[])("%s: every image and a readable text for every item", async (format) => {
    const response = await worker(FILES[format]);
    expect(response.status).toBe(200);
    expectSeen(format, READERS[format](await response.text()), visible());
  });
});

describe.each(STORE_KINDS)("a corpus of extension-less image URLs, with the %s store", (kind) => {
  const records = Object.entries(CORPUS).map(([file, text]) => readRecord(file, text));
  // Compiled by the build's own record reader, as `npm run build` does.
  const articles = Object.entries(CORPUS).map(([file, text]) => {
    const id = (file.split("/").at(-1) as string).replace(/\.md$/, "");
    const parsed = parseRecord(file, id, new TextEncoder().encode(text));
    if (!parsed.ok || !parsed.article) throw new Error(`${file} does not build: ${JSON.stringify(parsed)}`);
    return parsed.article as Article;
  });
  const fetchFeed = storeApp(kind, articles, Date.UTC(2026, 5, 1));

  it("is the corpus the issue names: images without extensions, bodies without excerpts", () => {
    const urls = records.flatMap((record) => record.images.map((image) => image.url));
    expect(urls).toContain("https://images.example-cdn.com/photo?id=123");
    expect(records.some((record) => record.body && !record.excerpt)).toBe(true);
    expect(records.some((record) => !record.body && !record.excerpt)).toBe(true);
  });

  it.each(Object.keys(FILES) as Format[])("%s: every image and a readable text for every item", async (format) => {
    const response = await fetchFeed(FILES[format]);
    expect(response.status).toBe(200);
    expectSeen(format, READERS[format](await response.text()), records);
  });
});
