// The format table: each feed format's file name, media type and renderer in one place.
import { renderAtom } from "./atom.js";
import { renderJsonFeed } from "./jsonfeed.js";
import { renderRss } from "./rss.js";
import { type FeedView, type FormatName, MEDIA_TYPES } from "./view.js";

export interface Format {
  file: string;
  mediaType: string;
  render: (view: FeedView) => Uint8Array;
}

export const FORMATS = {
  rss: { file: "rss.xml", mediaType: MEDIA_TYPES.rss, render: renderRss },
  atom: { file: "atom.xml", mediaType: MEDIA_TYPES.atom, render: renderAtom },
  json: { file: "feed.json", mediaType: MEDIA_TYPES.json, render: renderJsonFeed },
} as const satisfies Record<FormatName, Format>;

export const FORMAT_NAMES = Object.keys(FORMATS) as FormatName[];
