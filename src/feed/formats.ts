// The format table: each feed format's file name, media type and renderer in one place.
import { renderAtom } from "./atom.js";
import { renderJsonFeed } from "./jsonfeed.js";
import { renderRss } from "./rss.js";
import type { FeedView, FormatName } from "./view.js";

export interface Format {
  file: string;
  mediaType: string;
  render: (view: FeedView) => Uint8Array;
}

export const FORMATS = {
  rss: { file: "rss.xml", mediaType: "application/rss+xml", render: renderRss },
  atom: { file: "atom.xml", mediaType: "application/atom+xml", render: renderAtom },
  json: { file: "feed.json", mediaType: "application/feed+json", render: renderJsonFeed },
} as const satisfies Record<FormatName, Format>;

export const FORMAT_NAMES = Object.keys(FORMATS) as FormatName[];
