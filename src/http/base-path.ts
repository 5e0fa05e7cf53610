// A site under a path (SITE_URL = https://example.org/news): requests arrive as
// /news/…, and everything inside the app (routes, the cache's parse memo, ASSETS) sees
// them without the prefix, so one routing table serves both kinds of site.
import type { SiteConfig } from "../config.js";
import { EVERY_RESPONSE } from "./headers.js";

export type BaseMatch =
  /** The request as the app sees it: the base path taken off. */
  | { inside: Request }
  /** The base path itself, without its slash: the site's home is `${origin}/`. */
  | { redirect: string }
  /** A path outside the site. */
  | { outside: true };

/** Where a request falls against the site's base path ("" when the site is at the root). */
export function matchBase(request: Request, site: SiteConfig): BaseMatch {
  if (site.basePath === "") return { inside: request };
  const url = new URL(request.url);
  if (url.pathname === site.basePath) return { redirect: `${site.origin}/${url.search}` };
  if (!url.pathname.startsWith(`${site.basePath}/`)) return { outside: true };
  url.pathname = url.pathname.slice(site.basePath.length);
  return { inside: new Request(url, request) };
}

/** The answer to a request the app never sees: a redirect to the site's home, or a 404 problem. */
export function outsideResponse(match: Exclude<BaseMatch, { inside: Request }>, site: SiteConfig): Response {
  const headers = new Headers(EVERY_RESPONSE as [string, string][]);
  if ("redirect" in match) {
    headers.set("Location", match.redirect);
    headers.set("Cache-Control", `max-age=${site.cache.maxAge}`);
    return new Response(null, { status: 301, headers });
  }
  headers.set("Content-Type", "application/problem+json; charset=utf-8");
  headers.set("Cache-Control", "no-store");
  const detail = `This service serves only addresses under ${site.origin}/; the feeds are listed there.`;
  return new Response(JSON.stringify({ type: "about:blank", title: "Not Found", status: 404, detail }), {
    status: 404,
    headers,
  });
}
