// The feed handler: query → canonical view → (edge cache) → page of articles → body.
import type { Context } from "hono";
import { siteConfig } from "../config.js";
import { FORMAT_NAMES, FORMATS } from "../feed/formats.js";
import { type FormatName, feedView } from "../feed/view.js";
import type { ArticleStore } from "../store/store.js";
import { serveCached } from "./cache.js";
import { canonicalSearch, parseFeedQuery } from "./query.js";

export interface FeedDeps {
  store: ArticleStore;
  /** The clock in epoch milliseconds; tests set it. */
  now: () => number;
}

/** The HTTP Link header: this feed's `self`, and the same view in the other formats. */
function linkHeader(format: FormatName, links: Record<FormatName, string>): string {
  return FORMAT_NAMES.map(
    (name) => `<${links[name]}>; rel="${name === format ? "self" : "alternate"}"; type="${FORMATS[name].mediaType}"`,
  ).join(", ");
}

export function feedHandler(format: FormatName, deps: FeedDeps) {
  const { file, mediaType, render } = FORMATS[format];
  return async (c: Context) => {
    const site = siteConfig(c.env);
    const query = parseFeedQuery(new URL(c.req.url).searchParams);
    const search = canonicalSearch(query);
    const links = Object.fromEntries(
      FORMAT_NAMES.map((name) => [name, `${site.origin}/${FORMATS[name].file}${search}`]),
    ) as Record<FormatName, string>;
    const now = deps.now();
    const version = await deps.store.version();
    return serveCached(c, {
      key: `${site.origin}/_cache/${version}/${file}${search}`,
      now,
      policy: site.cache,
      render: async () => {
        const page = await deps.store.page({ now, limit: query.limit });
        return {
          body: render(feedView(site, { key: "main", links }, page.items)),
          contentType: `${mediaType}; charset=utf-8`,
          lastModifiedMs: page.items[0]?.publishedMs,
          nextChangeMs: page.nextChangeMs,
          link: linkHeader(format, links),
        };
      },
    });
  };
}
