// The sizes a response keeps to whatever the records hold (docs/feeds.md): an item's
// rendered form is at most ITEM_CAP_BYTES, a feed page at most PAGE_BUDGET_BYTES.
import type { Article } from "../content/article.js";
import { truncateHtml } from "./truncate-html.js";
import { escapeAttribute } from "./xml.js";

/** The largest rendered item, in bytes of UTF-8, in any format. */
export const ITEM_CAP_BYTES = 256 * 1024;

/** The largest feed page: a page of large items holds fewer, and its `next` link carries on. */
export const PAGE_BUDGET_BYTES = 2 * 1024 * 1024;

/** Room kept for a document's head and tail (feed title, links, namespaces) beside its items. */
const HEAD_ROOM_BYTES = 32 * 1024;

/** Lists an oversized item keeps when even its body left out does not bring it under the cap. */
const KEPT = { images: 1, related: 5, topics: 10 } as const;

/** What a cut body ends with: readers are told, and sent to the article. */
const cutNote = (url: string) =>
  `<p><em>This article is longer than a feed item may be; <a href="${escapeAttribute(url)}">read it in full</a>.</em></p>`;

/** The most bytes one UTF-16 unit of HTML becomes in any format (`<` is `\u003c` in JSON). */
const WORST_BYTES_PER_UNIT = 6;

/** Renders an oversized item tries with longer starts of its body, each aimed at the room left. */
const REFINEMENTS = 3;

/**
 * An item whose full rendering is over the cap, rendered again within it: its body cut at a
 * well-formed start that fits, with a note; its lists shortened only when the rest alone is
 * over the cap. The first cut assumes the worst escaping and surely fits; a few more aim at
 * the room by the bytes the cut actually took. Rare, and memoised per article.
 */
export function capItem(article: Article, render: (article: Article) => Uint8Array, cap = ITEM_CAP_BYTES): Uint8Array {
  let rest: Article = { ...article, contentHtml: undefined };
  let out = render(rest);
  if (out.byteLength > cap) {
    rest = {
      ...rest,
      images: article.images.slice(0, KEPT.images),
      related: article.related.slice(0, KEPT.related),
      topics: article.topics.slice(0, KEPT.topics),
    };
    out = render(rest);
  }
  const body = article.contentHtml;
  if (body === undefined) return out;
  const note = cutNote(article.url);
  const restBytes = out.byteLength;
  const room = cap - restBytes - note.length * WORST_BYTES_PER_UNIT;
  if (room <= 0) return out;
  const withBody = (length: number) => render({ ...rest, contentHtml: truncateHtml(body, length) + note });
  let length = Math.floor(room / WORST_BYTES_PER_UNIT);
  let best = withBody(length);
  for (let i = 0; i < REFINEMENTS && best.byteLength < cap - 1024 && length < body.length; i++) {
    const perUnit = Math.max(1, (best.byteLength - restBytes) / Math.max(1, length));
    const next = Math.min(body.length, Math.floor((room / perUnit) * 0.99));
    if (next <= length) break;
    const candidate = withBody(next);
    if (candidate.byteLength > cap) break;
    best = candidate;
    length = next;
  }
  return best;
}

/**
 * How many of a page's items fit the page budget, measured in their rendered form: at
 * least one (an item is at most the cap), then as many as fit.
 */
export function itemsWithinBudget(sizes: Iterable<number>, budget = PAGE_BUDGET_BYTES - HEAD_ROOM_BYTES): number {
  let total = 0;
  let count = 0;
  for (const size of sizes) {
    total += size;
    if (count > 0 && total > budget) break;
    count++;
  }
  return count;
}
