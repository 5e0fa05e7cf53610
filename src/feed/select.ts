// Visibility and paging over articles sorted newest first. Pure, and O(log n + page):
// the cost of a request depends on the page size, not on the size of the corpus.
import type { Article } from "../content/article.js";
import type { Page, PageQuery } from "../store/store.js";

/** Newest first; the id breaks ties so the order never depends on the file system. */
export function compareArticles(a: Article, b: Article): number {
  return b.publishedMs - a.publishedMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The index of the first article published at or before `now` (scheduled ones sort first). */
export function firstVisible(articles: readonly Article[], now: number): number {
  let low = 0;
  let high = articles.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((articles[mid] as Article).publishedMs > now) low = mid + 1;
    else high = mid;
  }
  return low;
}

export function selectPage(articles: readonly Article[], { now, limit }: PageQuery): Page {
  const start = firstVisible(articles, now);
  // The article just before the first visible one is the next to be published.
  const next = start > 0 ? articles[start - 1] : undefined;
  return { items: articles.slice(start, start + limit), nextChangeMs: next?.publishedMs };
}
