// The format-neutral feed a renderer prints: identity, links and the page's items.

import type { SiteConfig } from "../config.js";
import type { Article } from "../content/article.js";

export type FormatName = "rss" | "atom" | "json";

/** Each format's media type, as Content-Type (with `; charset=utf-8`) and in link `type`s. */
export const MEDIA_TYPES = {
  rss: "application/rss+xml",
  atom: "application/atom+xml",
  json: "application/feed+json",
} as const satisfies Record<FormatName, string>;

/** RFC 5005 links: paging (first … last) and archives (current, prev-/next-archive). */
export const NAV_RELS = ["first", "previous", "next", "last", "current", "prev-archive", "next-archive"] as const;
export type NavRel = (typeof NAV_RELS)[number];

export interface FeedView {
  /** Format-independent identity of this feed, a `tag:` URI shared by its pages and archives. */
  id: string;
  title: string;
  description: string;
  language: string;
  /** The HTML page of this feed. */
  homeUrl: string;
  /** Square, 512 px. */
  iconUrl: string;
  /** 2:1, for Atom's `logo`. */
  logoUrl: string;
  /** Square, 64 px. */
  faviconUrl: string;
  /** The absolute URL of this document in each format; the renderer's own is `self`. */
  links: Record<FormatName, string>;
  /** Paging and archive links, in the rendered format. */
  nav: Partial<Record<NavRel, string>>;
  /** An RFC 5005 archive document (`fh:archive`): its contents never change. */
  archive: boolean;
  /** The WebSub hub, when one is configured. */
  hub?: string;
  /** The XSLT stylesheet that makes the XML formats readable in a browser. */
  stylesheet: string;
  /** The newest item's time (RFC 3339), never the time of rendering. */
  updated: string;
  /** Where the scheme of each term kind lives, e.g. `https://site/topics/`. */
  schemes: { category: string; topic: string };
  /** Item ids are this prefix plus the record id. */
  tagPrefix: string;
  author: { name: string; url: string };
  /** Whether items carry their body (RSS `content:encoded`, Atom `content`, JSON `content_html`). */
  fullText: boolean;
  /**
   * Everything an item depends on beside its article (id prefix, term schemes, author,
   * full text), as one string: the item memo's key, built once per document.
   */
  itemKey: string;
  items: readonly Article[];
}

export interface FeedDocument {
  /** The feed's path and filters, e.g. `topics/ai?minQuality=50`: its identity. */
  key: string;
  /** What the feed is about, e.g. a topic's label; the site's title is added. */
  subject?: string;
  homeUrl: string;
  links: Record<FormatName, string>;
  nav: Partial<Record<NavRel, string>>;
  archive: boolean;
}

/** An empty feed still needs a fixed `updated`: the epoch keeps the output deterministic. */
const EPOCH = "1970-01-01T00:00:00Z";

export function feedView(site: SiteConfig, doc: FeedDocument, items: readonly Article[]): FeedView {
  return {
    id: `${site.tagPrefix}feeds/${doc.key}`,
    title: doc.subject ? `${doc.subject} — ${site.title}` : site.title,
    description: doc.subject ? `${doc.subject}: ${site.description}` : site.description,
    language: site.language,
    homeUrl: doc.homeUrl,
    iconUrl: site.iconUrl,
    logoUrl: site.logoUrl,
    faviconUrl: site.faviconUrl,
    links: doc.links,
    nav: doc.nav,
    archive: doc.archive,
    hub: site.hub,
    stylesheet: `${site.origin}/feed.xsl`,
    updated: items[0]?.published ?? EPOCH,
    schemes: { category: `${site.origin}/categories/`, topic: `${site.origin}/topics/` },
    tagPrefix: site.tagPrefix,
    author: { name: site.title, url: `${site.origin}/` },
    fullText: site.fullText,
    itemKey: `${site.tagPrefix} ${site.origin} ${site.fullText}`,
    items,
  };
}

/** Category first, then topics: the terms every format prints for an article. */
export function terms(view: FeedView, article: Article): { label: string; slug: string; scheme: string }[] {
  const out = article.category ? [{ ...article.category, scheme: view.schemes.category }] : [];
  for (const topic of article.topics) out.push({ ...topic, scheme: view.schemes.topic });
  return out;
}

/**
 * What every format gives as an item's summary (RSS `description`, Atom `summary`, JSON
 * `summary`): the excerpt (the record's, else derived from the body), else the title, so
 * a reader of core elements never shows a blank item.
 */
export const summaryOf = (article: Article): string => article.summary ?? article.title;

/** The body, when the site publishes full text. */
export const contentOf = (view: FeedView, article: Article): string | undefined =>
  view.fullText ? article.contentHtml : undefined;
