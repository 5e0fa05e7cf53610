// What feeds the site has at a moment: shared by the home page and the OPML list.
import type { ArticleStore, Catalog } from "../store/store.js";

export type { Catalog } from "../store/store.js";

/**
 * One store call (one D1 round trip), whatever the number of terms; embargoed terms left
 * out. With `latest`, also the newest visible articles (the home page's).
 */
export function catalog(store: ArticleStore, now: number, latest = 0): Promise<Catalog> {
  return store.catalog(now, latest);
}
