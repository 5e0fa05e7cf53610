// Per-article memoisation of the renderers' item output, as UTF-8 bytes. An item depends
// only on its article and on the site (id prefix, term schemes), so each isolate renders
// and encodes a recently used article once per format, whichever feeds, pages and
// filters it then appears in. A document is then its head and tail, encoded per
// request, around item bytes copied from here: encoding a whole 100 KB document on
// every cache miss cost more than rendering it.
import type { Article } from "../content/article.js";
import { capItem, ITEM_CAP_BYTES } from "./budget.js";
import type { FeedView } from "./view.js";

export type ItemRenderer = (view: FeedView, article: Article) => string;
export type ItemBytes = (view: FeedView, article: Article) => Uint8Array;

const encoder = new TextEncoder();

/** The view-level inputs an item may depend on, beside the article itself. */
const siteKey = (view: FeedView) =>
  `${view.tagPrefix} ${view.schemes.topic} ${view.schemes.category} ${view.author.url} ${view.fullText}`;

/**
 * Bytes of rendered items kept per format: 8 MiB, so 24 MiB for the three formats,
 * well inside an isolate's 128 MB however large the articles (a count bound was not:
 * 2,000 items of a 200,000-character body each are gigabytes).
 */
export const MEMO_CAPACITY_BYTES = 8 * 1024 * 1024;

/**
 * Keyed by the article object: the bundled index holds one object per article, and
 * the D1 store hands back the object it parsed before for a row of the same id and
 * content hash (src/store/d1.ts), so an edited article is never served from here.
 */
export function memoPerArticle(render: ItemRenderer, capacity = MEMO_CAPACITY_BYTES): ItemBytes {
  // Least recently used first: a Map keeps insertion order, and a use moves an entry last.
  const cache = new Map<Article, { key: string; out: Uint8Array }>();
  let size = 0;
  return (view, article) => {
    const key = siteKey(view);
    const hit = cache.get(article);
    if (hit) {
      cache.delete(article);
      size -= hit.out.byteLength;
      if (hit.key === key) {
        cache.set(article, hit);
        size += hit.out.byteLength;
        return hit.out;
      }
    }
    let out = encoder.encode(render(view, article));
    // Rare and remembered: an item over the cap is rendered again within it (budget.ts).
    if (out.byteLength > ITEM_CAP_BYTES) out = capItem(article, (cut) => encoder.encode(render(view, cut)));
    if (out.byteLength > capacity) return out;
    cache.set(article, { key, out });
    size += out.byteLength;
    for (const [oldest, entry] of cache) {
      if (size <= capacity) break;
      cache.delete(oldest);
      size -= entry.out.byteLength;
    }
    return out;
  };
}

/** One document from text (encoded here) and bytes (copied), in order. */
export function joinBytes(parts: readonly (string | Uint8Array)[]): Uint8Array {
  const chunks = parts.map((part) => (typeof part === "string" ? encoder.encode(part) : part));
  let size = 0;
  for (const chunk of chunks) size += chunk.byteLength;
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}
