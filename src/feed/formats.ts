// The format table: each feed format's file name, media type and renderer in one place.
import { atomEntry, renderAtom } from "./atom.js";
import { itemJson, renderJsonFeed } from "./jsonfeed.js";
import type { EncodedDocument, ItemBytes } from "./memo.js";
import { renderRss, rssItem } from "./rss.js";
import { type FeedView, type FormatName, MEDIA_TYPES } from "./view.js";

export interface Format {
  file: string;
  mediaType: string;
  render: (view: FeedView) => EncodedDocument;
  /** One item as the document holds it (memoised): what the page budget measures. */
  item: ItemBytes;
}

export const FORMATS = {
  rss: { file: "rss.xml", mediaType: MEDIA_TYPES.rss, render: renderRss, item: rssItem },
  atom: { file: "atom.xml", mediaType: MEDIA_TYPES.atom, render: renderAtom, item: atomEntry },
  json: { file: "feed.json", mediaType: MEDIA_TYPES.json, render: renderJsonFeed, item: itemJson },
} as const satisfies Record<FormatName, Format>;

export const FORMAT_NAMES = Object.keys(FORMATS) as FormatName[];
