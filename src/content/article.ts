// The compiled, format-neutral article: what the build emits and every store serves.
// Renderers read only this shape; nothing here needs parsing at request time.

/** A category or topic: the label readers see and a URL-safe slug. */
export interface Term {
  label: string;
  slug: string;
}

export interface Provider {
  name: string;
  slug: string;
  domain?: string;
  /** https://<domain>/, when the domain is a host name. */
  url?: string;
}

export interface Image {
  url: string;
  width?: number;
  height?: number;
  /** A real MIME type, as the record declares it or from the URL's extension; absent when unknown. */
  mimeType?: string;
}

export interface RelatedArticle {
  title: string;
  url: string;
  summary?: string;
  published?: string;
  providerName?: string;
}

export interface Article {
  /** The record id: the file name without its extension. */
  id: string;
  title: string;
  summary?: string;
  /** The Markdown body rendered to safe HTML. */
  contentHtml?: string;
  /** webUrl, else originalUrl. */
  url: string;
  /** originalUrl, when it differs from `url`. */
  externalUrl?: string;
  /** RFC 3339 in UTC, second precision: `2021-03-12T18:33:00Z`. */
  published: string;
  publishedMs: number;
  type?: string;
  quality?: number;
  heat?: number;
  category?: Term;
  topics: Term[];
  provider?: Provider;
  images: Image[];
  related: RelatedArticle[];
}

/** The compiled content: visible and scheduled articles, newest first (drafts never get here). */
export interface ContentIndex {
  /** A hash of the articles: changes exactly when the served content can change. */
  version: string;
  articles: Article[];
  /**
   * The keyword index of `articles` (src/feed/search.ts): each token with the positions of
   * the articles holding it. The Worker computes it when absent.
   */
  postings?: [token: string, positions: number[]][];
  /** Set when the build left the articles out because the Worker reads them from D1. */
  store?: "d1";
}
