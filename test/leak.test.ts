// The leak crawl: the hostile corpus (test/fixtures/hostile/, compiled by the build with
// every failing record left out) served by both stores on an injected clock, and every
// document the Worker serves, reached from / and the feeds by following each same-origin
// link, searched for the corpus's canaries: `secured` values, drafts' titles, scheduled
// titles and embargoed labels, read off the record files (test/support/hostile.ts).
import { describe, expect, inject, it } from "vitest";
import { slugify } from "../src/content/slug.js";
import { ORIGIN } from "./support/app.js";
import { STORE_KINDS, storeApp } from "./support/stores.js";

const corpus = inject("hostile");

/** Enough for every page of the corpus in every format and view, small enough to stay quick. */
const MAX_DOCUMENTS = 1_500;

const BROWSER = { "Sec-Fetch-Dest": "document", Accept: "text/html,application/xhtml+xml" };

/** Each canary in every spelling a response could carry it: as text, escaped, as a slug, in a URL. */
function spellings(canary: string): string[] {
  const forms = new Set([canary, canary.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;")]);
  forms.add(JSON.stringify(canary).slice(1, -1));
  forms.add(encodeURIComponent(canary));
  const slug = slugify(canary);
  if (slug.length >= 6) forms.add(slug).add(encodeURIComponent(slug));
  // A truncated copy (an excerpt, a clipped title) still leaks.
  if (canary.length > 24) forms.add(canary.slice(0, 24));
  return [...forms].map((form) => form.toLowerCase());
}

const FORBIDDEN = corpus.canaries.flatMap((canary) => spellings(canary).map((form) => ({ canary, form })));

/** Same-origin links in a body: absolute URLs on the origin, and root-relative href/src values. */
function linksIn(raw: string): string[] {
  const links: string[] = [];
  // Links inside escaped markup too (the embed snippets a term page shows as code).
  const body = raw
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&#39;/g, "'");
  const unentity = (value: string) => value.replace(/&amp;/g, "&").replace(/\\\//g, "/");
  const origin = ORIGIN.replace(/[.]/g, "\\.");
  for (const match of body.matchAll(new RegExp(`${origin}(/[^\\s"'<>\\\\)]*)`, "g")))
    links.push(unentity(match[1] ?? ""));
  for (const match of body.matchAll(/(?:href|src)=["'](\/[^"'/][^"']*|\/)["']/g)) links.push(unentity(match[1] ?? ""));
  return links;
}

const seeds = [
  "/",
  "/feeds.opml",
  "/embed/",
  "/embed.js",
  ...["rss.xml", "atom.xml", "feed.json"].flatMap((file) => [`/${file}`, `/${file}?limit=1`]),
];

/** The path and query of a link, with the canonical encoding the service writes. */
function pathOf(link: string): string | undefined {
  try {
    const url = new URL(link, ORIGIN);
    return url.origin === ORIGIN ? url.pathname + url.search : undefined;
  } catch {
    return undefined;
  }
}

describe.each(STORE_KINDS)("leak crawl over the hostile corpus, %s store", (kind) => {
  it("serves no canary in any byte of any document it links", { timeout: 300_000 }, async () => {
    expect(corpus.canaries.length).toBeGreaterThan(5);
    const fetchFeed = storeApp(kind, corpus.articles, corpus.now);
    const seen = new Set<string>();
    const queue = [...seeds];
    const statuses = new Map<number, number>();
    const leaks: string[] = [];
    while (queue.length > 0 && seen.size < MAX_DOCUMENTS) {
      const path = queue.shift() as string;
      if (seen.has(path)) continue;
      seen.add(path);
      // Each document as a reader fetches it, and as a browser tab opens it (the readable view).
      const feedLike = /\.(xml|json)(\?|$)/.test(path);
      for (const init of feedLike ? [{}, { headers: BROWSER }] : [{}]) {
        const response = await fetchFeed(path, init);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        expect(response.status, path).toBeLessThan(500);
        const headers = [...response.headers].map(([name, value]) => `${name}: ${value}`).join("\n");
        // Bytes as bytes: icons and other assets are searched too, without a text decoder's complaint.
        const body = new TextDecoder().decode(await response.arrayBuffer());
        const bytes = `${headers}\n${body}`.toLowerCase();
        for (const { canary, form } of FORBIDDEN)
          if (bytes.includes(form)) leaks.push(`${path}: ${canary} (as ${form})`);
        for (const link of linksIn(`${headers}\n${body}`)) {
          const next = pathOf(link);
          if (next && !seen.has(next)) queue.push(next);
        }
      }
    }
    expect(leaks).toEqual([]);
    // The crawl reached the corpus: term pages in every script, later pages, archives, embeds.
    const paths = [...seen];
    const terms = [
      ...["ガス", "カス", "인공지능", "ラーメン", "c-plus-plus", "c-sharp", "c"].map((slug) => `/topics/${slug}/`),
      "/providers/nature-com/",
      "/categories/energie-renouvelable/",
    ];
    for (const term of terms) expect(paths, term).toContain(encodeURI(term));
    expect(paths.some((path) => path.includes("before="))).toBe(true);
    expect(paths.some((path) => path.includes("/archive/"))).toBe(true);
    expect(paths.some((path) => path.startsWith("/embed/topics/"))).toBe(true);
    expect(seen.size).toBeGreaterThan(100);
    expect(seen.size).toBeLessThan(MAX_DOCUMENTS);
  });
});
