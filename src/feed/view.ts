// The format-neutral feed a renderer prints: site identity, links and the page's items.

import type { SiteConfig } from "../config.js";
import type { Article } from "../content/article.js";

export type FormatName = "rss" | "atom" | "json";

export interface FeedView {
  /** Format-independent identity of this feed, a `tag:` URI. */
  id: string;
  title: string;
  description: string;
  language: string;
  homeUrl: string;
  /** Square, 512 px. */
  iconUrl: string;
  /** 2:1, for Atom's `logo`. */
  logoUrl: string;
  /** Square, 64 px. */
  faviconUrl: string;
  /** The absolute URL of this feed in each format; the renderer's own is `self`. */
  links: Record<FormatName, string>;
  /** The newest item's time (RFC 3339), never the time of rendering. */
  updated: string;
  /** Where the scheme of each term kind lives, e.g. `https://site/topics/`. */
  schemes: { category: string; topic: string };
  /** Item ids are this prefix plus the record id. */
  tagPrefix: string;
  author: { name: string; url: string };
  items: readonly Article[];
}

/** An empty feed still needs a fixed `updated`: the epoch keeps the output deterministic. */
const EPOCH = "1970-01-01T00:00:00Z";

export function feedView(
  site: SiteConfig,
  feed: { key: string; title?: string; links: Record<FormatName, string> },
  items: readonly Article[],
): FeedView {
  return {
    id: `${site.tagPrefix}feeds/${feed.key}`,
    title: feed.title ? `${feed.title} — ${site.title}` : site.title,
    description: site.description,
    language: site.language,
    homeUrl: `${site.origin}/`,
    iconUrl: site.iconUrl,
    logoUrl: site.logoUrl,
    faviconUrl: site.faviconUrl,
    links: feed.links,
    updated: items[0]?.published ?? EPOCH,
    schemes: { category: `${site.origin}/categories/`, topic: `${site.origin}/topics/` },
    tagPrefix: site.tagPrefix,
    author: { name: site.title, url: `${site.origin}/` },
    items,
  };
}

/** Category first, then topics: the terms every format prints for an article. */
export function terms(view: FeedView, article: Article): { label: string; slug: string; scheme: string }[] {
  const out = article.category ? [{ ...article.category, scheme: view.schemes.category }] : [];
  for (const topic of article.topics) out.push({ ...topic, scheme: view.schemes.topic });
  return out;
}
