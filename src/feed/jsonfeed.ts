// JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/). Written directly rather than
// with the `feed` package, whose json1() emits JSON Feed 1.0 (`author`, no `authors`,
// no `language`) and cannot carry extensions per item in the 1.1 form.
import type { Article } from "../content/article.js";
import { constantPart, type EncodedDocument, joinParts, memoPerArticle } from "./memo.js";
import { contentOf, type FeedView, summaryOf, terms } from "./view.js";

const VERSION = "https://jsonfeed.org/version/1.1";

const tagList = (tags: string[]) => (tags.length ? tags : undefined);

/**
 * JSON that is also safe to inline in an HTML page: `<` and the JavaScript line
 * separators are escaped, so no `</script>` can close an embedding script element.
 */
function toSafeJson(value: unknown): string {
  return JSON.stringify(value, null, 2)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

function item(view: FeedView, article: Article) {
  const about = `${view.author.url}json-feed-extensions.html`;
  const content = contentOf(view, article);
  return {
    id: view.tagPrefix + article.id,
    url: article.url,
    external_url: article.externalUrl,
    title: article.title,
    summary: summaryOf(article),
    // 1.1 requires content_html or content_text; the summary stands in for a missing body.
    ...(content ? { content_html: content } : { content_text: summaryOf(article) }),
    image: article.images[0]?.url,
    date_published: article.published,
    authors: article.provider && [{ name: article.provider.name, url: article.provider.url }],
    tags: tagList(terms(view, article).map((term) => term.label)),
    _related: article.related.length
      ? {
          about,
          articles: article.related.map((related) => ({
            title: related.title,
            url: related.url,
            summary: related.summary,
            date_published: related.published,
            provider: related.providerName,
          })),
        }
      : undefined,
  };
}

/** An item as it stands in the `items` array: pretty-printed, indented four spaces. */
export const itemJson = memoPerArticle((view, article) => toSafeJson(item(view, article)).replace(/^/gm, "    "));

const ITEM_SEPARATOR = constantPart(",\n");

export function renderJsonFeed(view: FeedView): EncodedDocument {
  const feed = {
    version: VERSION,
    title: view.title,
    home_page_url: view.homeUrl,
    feed_url: view.links.json,
    description: view.description,
    icon: view.iconUrl,
    favicon: view.faviconUrl,
    language: view.language,
    authors: [{ name: view.author.name, url: view.author.url }],
    next_url: view.nav.next,
    hubs: view.hub ? [{ type: "WebSub", url: view.hub }] : undefined,
  };
  // JSON.stringify leaves out undefined members, so optional fields simply vanish. The
  // items (memoised) close the object: the head loses its closing brace to make room.
  const head = `${toSafeJson(feed).slice(0, -2)},\n  "items": [`;
  if (view.items.length === 0) return joinParts([head, "]\n}\n"]);
  const items = view.items.flatMap((article, i) => [i === 0 ? "\n" : ITEM_SEPARATOR, itemJson(view, article)]);
  return joinParts([head, ...items, "\n  ]\n}\n"]);
}
