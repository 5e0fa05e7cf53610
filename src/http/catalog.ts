// What feeds the site has at a moment: shared by the home page and the OPML list.
import type { ArticleStore, Catalog } from "../store/store.js";

export type { Catalog } from "../store/store.js";

/** One store call (one D1 round trip), whatever the number of terms; embargoed terms left out. */
export function catalog(store: ArticleStore, now: number): Promise<Catalog> {
  return store.catalog(now);
}
