// Per-article memoisation of the renderers' item output. An item depends only on its
// article and on the site (id prefix, term schemes), so each isolate renders an article
// once per format, whichever feeds, pages and filters it then appears in.
import type { Article } from "../content/article.js";
import type { FeedView } from "./view.js";

export type ItemRenderer = (view: FeedView, article: Article) => string;

/** The view-level inputs an item may depend on, beside the article itself. */
const siteKey = (view: FeedView) =>
  `${view.tagPrefix} ${view.schemes.topic} ${view.schemes.category} ${view.author.url}`;

export function memoPerArticle(render: ItemRenderer): ItemRenderer {
  // Weak: articles of a store that parses per request (D1) are simply collected.
  const cache = new WeakMap<Article, { key: string; out: string }>();
  return (view, article) => {
    const key = siteKey(view);
    const hit = cache.get(article);
    if (hit?.key === key) return hit.out;
    const out = render(view, article);
    cache.set(article, { key, out });
    return out;
  };
}
