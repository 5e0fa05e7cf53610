// The feed handler: query → page of articles → the requested format's body.
import type { Context } from "hono";
import { siteConfig } from "../config.js";
import { FORMAT_NAMES, FORMATS } from "../feed/formats.js";
import { type FormatName, feedView } from "../feed/view.js";
import type { ArticleStore } from "../store/store.js";
import { canonicalSearch, parseFeedQuery } from "./query.js";

export interface FeedDeps {
  store: ArticleStore;
  /** The clock in epoch milliseconds; tests set it. */
  now: () => number;
}

export function feedHandler(format: FormatName, deps: FeedDeps) {
  const { mediaType, render } = FORMATS[format];
  return async (c: Context) => {
    const site = siteConfig(c.env);
    const query = parseFeedQuery(new URL(c.req.url).searchParams);
    const search = canonicalSearch(query);
    const links = Object.fromEntries(
      FORMAT_NAMES.map((name) => [name, `${site.origin}/${FORMATS[name].file}${search}`]),
    ) as Record<FormatName, string>;
    const page = await deps.store.page({ now: deps.now(), limit: query.limit });
    const body = render(feedView(site, { key: "main", links }, page.items));
    return c.body(body, 200, { "Content-Type": `${mediaType}; charset=utf-8` });
  };
}
