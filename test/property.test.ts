// Property-based tests of the three renderers: arbitrary articles built from hostile text
// (markup, XML-illegal characters, lone surrogates, bidi marks, astral characters, long
// strings) go through the app in workerd and are read back with independent parsers.
// Records are generated as valid front matter (text cleaned by `cleanText`, URLs normalised
// by the URL parser, dates at second precision) and compiled by the build's own schema and
// normalise(); what the feeds must say is read off the records, not off the compiled articles.
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { siteConfig } from "../src/config.js";
import type { Article } from "../src/content/article.js";
import { normalise } from "../src/content/normalise.js";
import { ArticleRecord, cleanText, LIMITS } from "../src/content/schema.js";
import { fixtureApp, NOW } from "./support/app.js";
import { checkJsonFeed, type JsonFeedItem } from "./support/jsonfeed-schema.js";
import { parseXml, readAtom, readRss } from "./support/parse.js";

/** Runs per property; each run renders up to three feeds. */
const RUNS = 150;
/** Generous, so that fast-check has time to shrink a counterexample. */
const TIMEOUT = 120_000;

// ---------------------------------------------------------------------------------------------
// Hostile text
// ---------------------------------------------------------------------------------------------

const MARKUP = [
  "<script>",
  "</script>",
  "<script>alert(1)</script>",
  "<title>",
  "</title>",
  "</item>",
  "</entry>",
  "</channel></rss>",
  "</feed>",
  "<![CDATA[",
  "]]>",
  "]]&gt;",
  "&amp;",
  "&amp;amp;",
  "&#0;",
  "&#13;",
  "&#x1F600;",
  "&lt;",
  "&quot;",
  "&nbsp;",
  "&copy",
  "&e;",
  "&",
  '"',
  "'",
  "<",
  ">",
  "=",
  "<!--",
  "-->",
  '<?xml version="1.0"?>',
  '<!DOCTYPE x [<!ENTITY e "boom">]>',
  "<b>bold</b>",
  '<a href="javascript:alert(1)">x</a>',
  '<atom:link rel="self" href="https://evil.example/"/>',
  '<media:content url="https://evil.example/x.png"/>',
  '" onload="alert(1)',
  "\\u003c",
];

/** C0 controls (XML 1.0 allows only tab, LF, CR), DEL, NEL, lone surrogates, the non-characters XML forbids. */
const CONTROL = [
  ...Array.from({ length: 32 }, (_, code) => String.fromCharCode(code)),
  "\u007F",
  "\u0085",
  "\uD800",
  "\uDBFF",
  "\uDC00",
  "\uDFFF",
  "\uDFFF\uD800",
  "\uFFFE",
  "\uFFFF",
];

const BIDI = [
  "\u200E",
  "\u200F",
  "\u061C",
  "\u202A",
  "\u202B",
  "\u202C",
  "\u202D",
  "\u202E",
  "\u2066",
  "\u2067",
  "\u2069",
];

const EXOTIC = [
  "🎉",
  "👩‍👩‍👧‍👦",
  "🏳️‍🌈",
  "𝔘",
  "𝕏",
  "\u{10FFFF}",
  "\u{1FFFE}",
  "\uFDD0",
  "\uFEFF",
  "\u200B",
  "\u200D",
  "e\u0301",
  "שלום",
  "مرحبا",
  "人工智能",
  "İ",
  "ß",
];

const SPACE = [" ", "   ", "\t", "\n", "\r", "\r\n", "\u00A0", "\u2028", "\u2029", "\u3000", "\u000B", "\u000C"];

/** Any UTF-16 code unit, lone surrogates included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));

const fragment = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...MARKUP) },
  { weight: 2, arbitrary: fc.constantFrom(...CONTROL) },
  { weight: 1, arbitrary: fc.constantFrom(...BIDI) },
  { weight: 2, arbitrary: fc.constantFrom(...EXOTIC) },
  { weight: 2, arbitrary: fc.constantFrom(...SPACE) },
  { weight: 3, arbitrary: fc.string({ unit: "grapheme", maxLength: 8 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary-ascii", maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: codeUnit, maxLength: 8 }) },
);

/** Raw text as a record might hold it, before the build cleans it. */
const hostile = fc.oneof(
  { weight: 12, arbitrary: fc.array(fragment, { maxLength: 12 }).map((parts) => parts.join("")) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: codeUnit, maxLength: 40 }) },
  // Long strings (up to ~5,000 characters); no minimum length, so that a counterexample shrinks.
  { weight: 1, arbitrary: fc.array(fragment, { maxLength: 600, size: "max" }).map((parts) => parts.join("")) },
);

/** A text field as the build leaves it: within its length cap, XML-illegal characters removed. */
const text = (max: number) => hostile.map((raw) => cleanText(raw.slice(0, max)));

/** A required text field: trimmed, never empty. */
const requiredText = (max: number) =>
  text(max)
    .map((value) => value.trim())
    .filter((value) => value.length > 0);

/** An optional text field: trimmed, absent when blank. */
const optionalText = (max: number) =>
  fc.option(
    text(max).map((value) => value.trim() || undefined),
    { nil: undefined },
  );

// ---------------------------------------------------------------------------------------------
// URLs, dates, ids
// ---------------------------------------------------------------------------------------------

/** An absolute http(s) URL as the schema's `HttpUrl` hands it over: `new URL(x).href`. */
function normalisedUrl(raw: string): string | undefined {
  if (raw.length > LIMITS.url || !URL.canParse(raw)) return undefined;
  const url = new URL(raw);
  // Percent-encoding can lengthen the href past the cap the schema checks it against.
  const valid = (url.protocol === "http:" || url.protocol === "https:") && url.href.length <= LIMITS.url;
  return valid ? url.href : undefined;
}

const rawUrl = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.webUrl({ authoritySettings: { withIPv4: true, withIPv6: true, withPort: true } }),
  // Query strings and fragments with `&`, `<`, quotes and anything else: the URL parser percent-encodes what it must.
  fc
    .tuple(fc.webUrl(), hostile, hostile)
    .map(([base, query, hash]) => `${base}?q=${query.slice(0, 300)}&a=1&b=<2>&c="'3'"#${hash.slice(0, 100)}`),
);

const httpUrl = rawUrl.map(normalisedUrl).filter((url): url is string => url !== undefined);

const IMAGE_EXTENSIONS = ["jpg", "JPG", "jpeg", "jpe", "png", "webp", "gif", "avif", "svg", "bmp", "tiff", "heic", ""];

/** An image as a record lists it; the build derives its type. */
const image = fc
  .record({
    base: fc.webUrl(),
    extension: fc.constantFrom(...IMAGE_EXTENSIONS),
    query: fc.option(hostile, { nil: undefined }),
    width: fc.option(fc.integer({ min: 1, max: 100_000 }), { nil: undefined }),
    height: fc.option(fc.integer({ min: 1, max: 100_000 }), { nil: undefined }),
  })
  .map(({ base, extension, query, width, height }) => {
    const url = normalisedUrl(
      `${base}/photo${extension ? `.${extension}` : ""}${query === undefined ? "" : `?v=${query.slice(0, 200)}`}`,
    );
    return url === undefined ? undefined : { url, width, height };
  })
  .filter((value) => value !== undefined);

const FIRST_SECOND = Date.UTC(1990, 0, 1) / 1000;
const LAST_SECOND = NOW / 1000 - 1;

/** Whole seconds before the fixture clock; a few fixed instants make ties between articles likely. */
const publishedMs = fc
  .oneof(
    { weight: 4, arbitrary: fc.integer({ min: FIRST_SECOND, max: LAST_SECOND }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(LAST_SECOND, LAST_SECOND - 3600, Date.UTC(2024, 1, 29, 23, 59, 59) / 1000),
    },
  )
  .map((seconds) => seconds * 1000);

const ID_START = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".split("");

/** A record id: the file name without `.md`. */
const recordId = fc
  .tuple(fc.constantFrom(...ID_START), fc.string({ unit: fc.constantFrom(...ID_START, ".", "_", "-"), maxLength: 24 }))
  .map(([first, rest]) => first + rest);

// ---------------------------------------------------------------------------------------------
// Articles
// ---------------------------------------------------------------------------------------------

// Records, not compiled articles: the build's own schema and normalise() compile them, so
// this file holds no second copy of how labels, slugs, providers or images are derived.

const provider = fc.record({
  name: requiredText(LIMITS.label),
  domain: fc.option(fc.oneof(fc.domain(), text(LIMITS.label)), { nil: undefined }),
});

const related = fc.record({
  title: requiredText(LIMITS.title),
  webUrl: httpUrl,
  excerpt: optionalText(LIMITS.excerpt),
  publishedDateTime: fc.option(
    publishedMs.map((ms) => new Date(ms)),
    { nil: undefined },
  ),
  provider: fc.option(provider, { nil: undefined }),
});

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };
const escapeHtml = (value: string) => value.replace(/[&<>"]/g, (char) => HTML_ESCAPES[char] as string);

/** A body as markdown-it renders it: escaped text (line endings normalised) in a few of its elements. */
const contentHtml = fc
  .array(fc.tuple(text(2_000), fc.constantFrom("p", "p", "h2", "em", "code", "li", "")), { minLength: 1, maxLength: 4 })
  .map((blocks) => {
    const html = blocks
      .map(([value, tag]) => {
        const escaped = escapeHtml(value.replace(/\r\n?/g, "\n"));
        return tag === ""
          ? escaped
          : tag === "em" || tag === "code"
            ? `<p><${tag}>${escaped}</${tag}></p>`
            : `<${tag}>${escaped}</${tag}>`;
      })
      .join("\n")
      .trim();
    return html || undefined;
  });

/** One record, its id (the file name) and the HTML its body renders to. */
interface Case {
  id: string;
  record: ArticleRecord;
  contentHtml: string | undefined;
  article: Article;
}

const record = fc.record({
  title: requiredText(LIMITS.title),
  excerpt: optionalText(LIMITS.excerpt),
  webUrl: httpUrl,
  originalUrl: fc.option(httpUrl, { nil: undefined }),
  publishedDateTime: publishedMs.map((ms) => new Date(ms)),
  category: fc.option(requiredText(LIMITS.label), { nil: undefined }),
  topics: fc.array(requiredText(LIMITS.label), { maxLength: 4 }),
  provider: fc.option(provider, { nil: undefined }),
  images: fc.array(image, { maxLength: 3 }),
  related: fc.array(related, { maxLength: 3 }),
});

const article: fc.Arbitrary<Case> = fc
  .record({ id: recordId, fields: record, contentHtml: fc.option(contentHtml, { nil: undefined }) })
  .map(({ id, fields, contentHtml }) => {
    const parsed = ArticleRecord.parse(fields);
    // The body is given as the HTML markdown-it would render (Markdown has its own tests):
    // these properties are about the renderers, over any text a record can hold.
    const compiled: Article = { ...normalise(id, parsed, ""), contentHtml };
    // The compiled index is JSON: no `undefined` members.
    return { id, record: parsed, contentHtml, article: JSON.parse(JSON.stringify(compiled)) as Article };
  });

/** Articles with ids unique regardless of case, as file names are, in no particular order. */
const articles = fc.uniqueArray(article, { minLength: 1, maxLength: 6, selector: (a) => a.id.toLowerCase() });

// ---------------------------------------------------------------------------------------------
// Expectations
// ---------------------------------------------------------------------------------------------

/** What every feed must carry for a record, read off the record by the mapping the README gives. */
function expectedOf({ id, record, contentHtml }: Case) {
  const url = record.webUrl ?? record.originalUrl;
  // RFC 3339 in UTC at second precision, as every format prints it.
  const published = `${record.publishedDateTime.toISOString().slice(0, 19)}Z`;
  return {
    id,
    title: record.title.trim(),
    url,
    externalUrl: record.originalUrl !== url ? record.originalUrl : undefined,
    published,
    publishedMs: Date.parse(published),
    summary: record.excerpt?.trim() || undefined,
    contentHtml,
    provider: record.provider?.name?.trim(),
    // Every label a feed may show as a category or tag (repeats of one slug are merged).
    labels: new Set(
      [record.category, ...(record.topics ?? [])].filter((label) => label !== undefined).map((l) => l.trim()),
    ),
    images: (record.images ?? []).map((image) => image.url),
    related: (record.related ?? []).map((entry) => entry.webUrl ?? entry.originalUrl),
  };
}

type Expected = ReturnType<typeof expectedOf>;

/** Newest first, ties broken by id (code unit order): the order every feed promises. */
const newestFirst = (cases: readonly Case[]) =>
  cases.map(expectedOf).sort((a, b) => b.publishedMs - a.publishedMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

const tagPrefix = () => siteConfig(env).tagPrefix;

type FeedPath = "/rss.xml" | "/atom.xml" | "/feed.json";

async function fetchFeed(cases: Case[], path: FeedPath): Promise<string> {
  const response = await fixtureApp(cases.map((c) => c.article))(`${path}?limit=100`);
  expect(response.status).toBe(200);
  return response.text();
}

/** Every element (and processing instruction) name in a tree parsed by fast-xml-parser. */
function elementNames(node: unknown, names = new Set<string>()): Set<string> {
  if (Array.isArray(node)) {
    for (const child of node) elementNames(child, names);
  } else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (!key.startsWith("@") && key !== "#text") names.add(key);
      elementNames(value, names);
    }
  }
  return names;
}

/** fast-xml-parser keeps processing instructions as `?target` keys: the declaration and the stylesheet. */
const PROCESSING_INSTRUCTIONS = ["?xml", "?xml-stylesheet"];

/** Exactly the elements src/feed/rss.ts and media.ts write. */
const RSS_ELEMENTS = new Set([
  "rss",
  "channel",
  "title",
  "link",
  "description",
  "language",
  "lastBuildDate",
  "atom:link",
  "image",
  "url",
  "item",
  "guid",
  "pubDate",
  "dc:creator",
  "content:encoded",
  "category",
  "enclosure",
  "media:content",
  "media:thumbnail",
  "fh:archive",
  "webfeeds:icon",
  "webfeeds:logo",
  ...PROCESSING_INSTRUCTIONS,
]);

/** Exactly the elements src/feed/atom.ts and media.ts write. */
const ATOM_ELEMENTS = new Set([
  "feed",
  "id",
  "title",
  "subtitle",
  "updated",
  "link",
  "author",
  "name",
  "uri",
  "icon",
  "logo",
  "entry",
  "published",
  "category",
  "summary",
  "content",
  "media:content",
  "media:thumbnail",
  "fh:archive",
  ...PROCESSING_INSTRUCTIONS,
]);

const RFC822 =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

const NAMED_REFERENCES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/**
 * Plain text read back from HTML that holds only character references, never markup: every `&`
 * must start a reference (a bare one could start an HTML entity such as `&copy`), and no `<` may appear.
 */
function htmlText(html: string): string {
  expect(html).not.toMatch(/</);
  expect(html).not.toMatch(/&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#[xX][0-9a-fA-F]+);)/);
  return html.replace(
    /&(?:(amp|lt|gt|quot|apos)|#([0-9]+)|#[xX]([0-9a-fA-F]+));/g,
    (_, name?: string, decimal?: string, hex?: string) =>
      name
        ? (NAMED_REFERENCES[name] as string)
        : String.fromCodePoint(decimal ? Number(decimal) : Number.parseInt(hex as string, 16)),
  );
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

/** What identifies an item to a reader, whatever the format calls it. */
interface Identity {
  id?: string;
  title?: string;
  link?: string;
  via?: string;
}

const identity = ({ id, title, link, via }: Identity): Identity => ({ id, title, link, via });

/** A test that `check` holds for RUNS arbitrary lists of hostile articles. */
const property = (name: string, check: (list: Case[]) => Promise<void>) =>
  it(name, () => fc.assert(fc.asyncProperty(articles, check), { numRuns: RUNS }), TIMEOUT);

describe("renderers over arbitrary hostile articles", () => {
  property("RSS and Atom are well-formed XML holding only the elements the renderers write", async (list) => {
    for (const [path, allowed] of [
      ["/rss.xml", RSS_ELEMENTS],
      ["/atom.xml", ATOM_ELEMENTS],
    ] as const) {
      const xml = await fetchFeed(list, path);
      const names = elementNames(parseXml(xml));
      expect([...names].filter((name) => !allowed.has(name))).toEqual([]);
    }
  });

  property("JSON Feed is valid JSON Feed 1.1 and safe to inline in HTML", async (list) => {
    const body = await fetchFeed(list, "/feed.json");
    expect(body).not.toMatch(/[<\u2028\u2029]/);
    expect(checkJsonFeed(JSON.parse(body))).toEqual([]);
  });

  property(
    "every format gives back the same titles, links, ids, dates, provider, images and related links, newest first",
    async (list) => {
      const expected = newestFirst(list);
      const identities = expected.map(
        (a): Identity => ({ id: tagPrefix() + a.id, title: a.title, link: a.url, via: a.externalUrl }),
      );

      // Categories and tags: none that the record does not name.
      const unnamed = (labels: readonly string[] | undefined, i: number) =>
        (labels ?? []).filter((label) => !(expected[i] as Expected).labels.has(label));
      const none = expected.map(() => []);

      const rss = readRss(await fetchFeed(list, "/rss.xml")).items;
      expect(rss.map(identity)).toEqual(identities);
      for (const item of rss) expect(item.date).toMatch(RFC822);
      expect(rss.map((item) => Date.parse(item.date))).toEqual(expected.map((a) => a.publishedMs));

      const atom = readAtom(await fetchFeed(list, "/atom.xml")).items;
      expect(atom.map(identity)).toEqual(identities);
      expect(atom.map((item) => item.date)).toEqual(expected.map((a) => a.published));

      for (const items of [rss, atom]) {
        expect(items.map((item) => item.author)).toEqual(expected.map((a) => a.provider));
        expect(items.map((item) => item.images)).toEqual(expected.map((a) => a.images));
        expect(items.map((item) => item.related)).toEqual(expected.map((a) => a.related));
        expect(items.map((item, i) => unnamed(item.categories, i))).toEqual(none);
      }

      const json = (JSON.parse(await fetchFeed(list, "/feed.json")) as { items: JsonFeedItem[] }).items;
      expect(json.map((item) => identity({ ...item, link: item.url, via: item.external_url }))).toEqual(identities);
      expect(json.map((item) => item.date_published)).toEqual(expected.map((a) => a.published));
      expect(json.map((item) => item.authors?.[0]?.name)).toEqual(expected.map((a) => a.provider));
      expect(json.map((item) => item.image)).toEqual(expected.map((a) => a.images[0]));
      const related = json.map((item) => item._related?.articles.map((entry) => entry.url) ?? []);
      expect(related).toEqual(expected.map((a) => a.related));
      expect(json.map((item, i) => unnamed(item.tags, i))).toEqual(none);
    },
  );

  property("every format gives back the same summary and body", async (list) => {
    const expected = newestFirst(list);

    // RSS readers read `description` as HTML: the excerpt arrives HTML-escaped, without markup.
    const rss = readRss(await fetchFeed(list, "/rss.xml")).items;
    expect(rss.map((item) => (item.summary === undefined ? undefined : htmlText(item.summary)))).toEqual(
      expected.map((a) => a.summary),
    );
    expect(rss.map((item) => item.content)).toEqual(expected.map((a) => a.contentHtml));

    // Atom: the excerpt as text; with neither excerpt nor body, the title stands in.
    const atom = readAtom(await fetchFeed(list, "/atom.xml")).items;
    expect(atom.map((item) => item.summary)).toEqual(
      expected.map((a) => a.summary ?? (a.contentHtml ? undefined : a.title)),
    );
    expect(atom.map((item) => item.content)).toEqual(expected.map((a) => a.contentHtml));

    // JSON Feed: the excerpt as is; content_html, else the excerpt (else the title) as content_text.
    const json = (JSON.parse(await fetchFeed(list, "/feed.json")) as { items: JsonFeedItem[] }).items;
    expect(json.map((item) => item.summary)).toEqual(expected.map((a) => a.summary));
    expect(json.map((item) => item.content_html)).toEqual(expected.map((a) => a.contentHtml));
    expect(json.map((item) => item.content_text)).toEqual(
      expected.map((a) => (a.contentHtml ? undefined : (a.summary ?? a.title))),
    );
  });
});
