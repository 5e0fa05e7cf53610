// URLs people type: the feed addresses other sites use (`/feed`, `/rss`, `/index.xml`, …),
// a term without its trailing slash, a slug in another case. Pure: what to redirect to;
// whether a term exists is the pipeline's question, asked only on the way to a 404.
import { slugify } from "../content/slug.js";
import type { TermKind } from "../store/store.js";
import { KIND_PATHS, parseRoute } from "./route.js";

/**
 * What other generators and habits put after a site or a term, and its canonical file
 * here. RSS is the format every reader knows, so the format-neutral names lead to it;
 * Hugo's `index.xml` and WordPress's `/feed/` are RSS there too.
 */
export const ALIASES: Readonly<Record<string, string>> = {
  feed: "rss.xml",
  "feed/": "rss.xml",
  rss: "rss.xml",
  "rss/": "rss.xml",
  "feed.xml": "rss.xml",
  "rss.rss": "rss.xml",
  "index.xml": "rss.xml",
  "index.rss": "rss.xml",
  atom: "atom.xml",
  "atom/": "atom.xml",
  "feed.atom": "atom.xml",
  "index.atom": "atom.xml",
  json: "feed.json",
  "feed.json/": "feed.json",
  "index.json": "feed.json",
  "index.html": "",
};

/** Static files asked for by another name, served under that name (no redirect: icon fetchers rarely follow one). */
export const ASSET_ALIASES: Readonly<Record<string, string>> = {
  "/favicon.ico": "/favicon.png",
};

export interface Redirect {
  /** The canonical path, without the query (which the response keeps as sent). */
  path: string;
  /** The term the new path names: redirect only if it exists, else the answer is a 404. */
  term?: { kind: TermKind; slug: string; asked: string };
}

const KIND_OF_SEGMENT = new Map<string, TermKind>(
  Object.entries(KIND_PATHS).map(([kind, segment]) => [segment, kind as TermKind]),
);

const decode = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
};

/** Whether the service has a view at this path (its query aside). */
function isRoute(path: string): boolean {
  try {
    return parseRoute(new URL(path, "http://x"), new Headers()) !== undefined;
  } catch {
    return false;
  }
}

/** `/topics/<slug>…` (or `/embed/topics/<slug>…`) with a slug that is not its own canonical form, an alias or no slash. */
function termRedirect(segments: string[]): Redirect | undefined {
  const at = segments[0] === "embed" ? 1 : 0;
  const kind = KIND_OF_SEGMENT.get(segments[at] ?? "");
  const asked = kind && decode(segments[at + 1] ?? "");
  if (!kind || !asked) return undefined;
  const slug = slugify(asked);
  if (!slug) return undefined;
  const rest = segments.slice(at + 2);
  const tail = rest.length === 0 ? "" : (ALIASES[rest.join("/")] ?? (slug !== asked ? rest.join("/") : undefined));
  if (tail === undefined) return undefined;
  const path = `/${[...segments.slice(0, at + 1), encodeURIComponent(slug)].join("/")}/${tail}`;
  return isRoute(path) ? { path, term: { kind, slug, asked } } : undefined;
}

/** Where a request for a path the service has no view at should go, if anywhere. */
export function redirectFor(pathname: string): Redirect | undefined {
  const segments = pathname.split("/").slice(1);
  const alias = ALIASES[segments.join("/")];
  if (alias !== undefined && pathname !== "/") return { path: `/${alias}` };
  return termRedirect(segments);
}
