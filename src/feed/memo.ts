// Per-article memoisation of the renderers' item output, as UTF-8 bytes. An item depends
// only on its article and on the site (id prefix, term schemes), so each isolate renders
// and encodes a recently used article once per format, whichever feeds, pages and
// filters it then appears in. A document is then its head and tail, encoded per
// request, around item bytes copied from here: encoding a whole 100 KB document on
// every cache miss cost more than rendering it. Each item keeps its SHA-256 too, so the
// document's strong ETag hashes 32 bytes per item instead of the whole body.
import { createHash } from "node:crypto";
import type { Article } from "../content/article.js";
import { capItem, ITEM_CAP_BYTES } from "./budget.js";
import type { FeedView } from "./view.js";

export type ItemRenderer = (view: FeedView, article: Article) => string;
/** Encoded text and its SHA-256. */
export interface Part {
  bytes: Uint8Array;
  digest: Uint8Array;
}
export type ItemBytes = (view: FeedView, article: Article) => Part;

/** A whole document, with its strong ETag. */
export interface EncodedDocument {
  bytes: Uint8Array;
  etag: string;
}

const encoder = new TextEncoder();

const sha256 = (bytes: Uint8Array): Uint8Array => createHash("sha256").update(bytes).digest();

/** Text that every document repeats (a separator), encoded and hashed once. */
export function constantPart(text: string): Part {
  const bytes = encoder.encode(text);
  return { bytes, digest: sha256(bytes) };
}

/**
 * Bytes of rendered items kept per format: 8 MiB, so 24 MiB for the three formats,
 * well inside an isolate's 128 MB however large the articles (a count bound was not:
 * 2,000 items of a 200,000-character body each are gigabytes).
 */
export const MEMO_CAPACITY_BYTES = 8 * 1024 * 1024;

interface Memoised {
  /** The view's `itemKey` the item was rendered for. */
  key: string;
  out: Part;
  /** Used since eviction last passed it: it gets a second chance. */
  used: boolean;
}

/**
 * Keyed by the article object: the bundled index holds one object per article, and
 * the D1 store hands back the object it parsed before for a row of the same id and
 * content hash (src/store/d1.ts), so an edited article is never served from here.
 * Eviction is least recently used, approximated by a second chance: a hit only marks
 * its entry (a miss answers 50 to 100 of them), and eviction moves a marked entry to
 * the back instead of dropping it.
 */
export function memoPerArticle(render: ItemRenderer, capacity = MEMO_CAPACITY_BYTES): ItemBytes {
  // Oldest first: a Map keeps insertion order.
  const cache = new Map<Article, Memoised>();
  let size = 0;
  /** Drops unmarked entries, oldest first, until the bound holds; `added` stays. */
  const evict = (added: Article) => {
    for (const [oldest, entry] of cache) {
      if (size <= capacity) return;
      cache.delete(oldest);
      if (entry.used || oldest === added) {
        entry.used = false;
        cache.set(oldest, entry);
      } else size -= entry.out.bytes.byteLength;
    }
  };
  return (view, article) => {
    const hit = cache.get(article);
    if (hit?.key === view.itemKey) {
      hit.used = true;
      return hit.out;
    }
    if (hit) {
      cache.delete(article);
      size -= hit.out.bytes.byteLength;
    }
    let bytes = encoder.encode(render(view, article));
    // Rare and remembered: an item over the cap is rendered again within it (budget.ts).
    if (bytes.byteLength > ITEM_CAP_BYTES) bytes = capItem(article, (cut) => encoder.encode(render(view, cut)));
    const out = { bytes, digest: sha256(bytes) };
    if (bytes.byteLength > capacity) return out;
    cache.set(article, { key: view.itemKey, out, used: false });
    size += bytes.byteLength;
    evict(article);
    return out;
  };
}

/** Tags that keep the ETag's input unambiguous: a part's digest, or text with its length. */
const PART = Uint8Array.of(0);
const TEXT = Uint8Array.of(1);

/**
 * One document from text (encoded here) and parts (copied), in order. Its strong ETag is a
 * SHA-256 over the parts in order, each as its 32-byte digest, and over the text between
 * them, each with its length: it changes exactly when the bytes do (whatever the split),
 * costs 32 bytes per item instead of the item, and is the same in every isolate.
 */
export function joinParts(parts: readonly (string | Part)[]): EncodedDocument {
  const hash = createHash("sha256");
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (const part of parts) {
    const chunk = typeof part === "string" ? encoder.encode(part) : part.bytes;
    if (typeof part === "string") {
      const length = new Uint8Array(4);
      new DataView(length.buffer).setUint32(0, chunk.byteLength);
      hash.update(TEXT).update(length).update(chunk);
    } else hash.update(PART).update(part.digest);
    chunks.push(chunk);
    size += chunk.byteLength;
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return { bytes, etag: `"${hash.digest("base64url").slice(0, 22)}"` };
}
