// What feeds the site has at a moment: shared by the home page and the OPML list.
import type { ArticleStore, Catalog } from "../store/store.js";

export type { Catalog } from "../store/store.js";

/** One store call (one D1 round trip), whatever the number of terms. */
export function catalog(store: ArticleStore, now: number): Promise<Catalog> {
  return store.catalog(now);
}

/**
 * A page listing terms and counts changes when the next scheduled article becomes
 * visible (a count grows, or a term appears for the first time): no reader or edge
 * keeps it past that moment.
 */
export function pageCacheControl(now: number, nextChangeMs: number | undefined, maxAge = 300): string {
  const until = nextChangeMs === undefined ? maxAge : Math.floor((nextChangeMs - now) / 1000);
  return `public, max-age=${Math.max(0, Math.min(maxAge, until))}`;
}
