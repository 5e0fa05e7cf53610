// The feed a request subscribes to: its canonical view path (scope, file and filters, in
// the order the service writes them), without paging. Archives and pages are not counted;
// top feeds are, under their window (src/http/route.ts parses all of them, one grammar).
import { feedPath, parseRoute } from "../http/route.js";

/** No Accept header: a feed's own path, never its readable view's. */
const NO_HEADERS = new Headers();

/**
 * `/topics/ai/atom.xml?type=video` for `/topics/ai/atom.xml?limit=5&type=video&utm_source=x`,
 * `/top/feed.json?window=30d` for `/top/feed.json?window=30d&limit=10`; else undefined.
 */
export function subscribedPath(url: URL): string | undefined {
  try {
    const route = parseRoute(url, NO_HEADERS);
    if (route?.view !== "feed" || route.month !== undefined || route.query.before) return undefined;
    // One spelling per view, as the service's own links write it, without the page size.
    return feedPath({ ...route, query: { ...route.query, limit: undefined } }, route.format, undefined);
  } catch {
    return undefined;
  }
}
