// The feeds' article order, newest first: the build sorts by it, selection and both stores
// page by it. It lives beside the article model so the build needs no runtime code for it.

/** What the order reads of an article: a keyset position. */
export interface Ordered {
  publishedMs: number;
  id: string;
}

/** Newest first; the id breaks ties so the order never depends on the file system. */
export function compareArticles(a: Ordered, b: Ordered): number {
  return b.publishedMs - a.publishedMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
