// Who asks for a feed, read from its User-Agent alone: a hosted reader that reports how
// many of its users subscribe, one person's reader, or a browser or bot (never counted).
// Pure. No library does this: ua-parser style packages know browsers, not feed fetchers.

export type Classification =
  | { kind: "hosted"; service: string; subscribers: number; feedId: string }
  | { kind: "individual"; service: string }
  | { kind: "ignored"; reason: "browser" | "bot" | "hosted without a count" | "unknown" };

/** Every real reader's header fits; a longer one is read only this far, so regex work is bounded. */
const MAX_LENGTH = 512;

interface Service {
  name: string;
  pattern: RegExp;
  /** Where the service puts its id of the subscription when it is not `feed-id`. */
  feedId?: RegExp;
}

/**
 * Aggregators that fetch once for many users. Order matters: Feedly and Feedspot say
 * "like FeedFetcher-Google", so Google's own fetcher comes last.
 */
const HOSTED: readonly Service[] = [
  { name: "Feedly", pattern: /feedly/i },
  { name: "Inoreader", pattern: /inoreader/i },
  { name: "NewsBlur", pattern: /newsblur/i, feedId: /newsblur\.com\/site\/(\d{1,20})/i },
  { name: "Feedbin", pattern: /feedbin/i },
  { name: "The Old Reader", pattern: /theoldreader/i },
  { name: "BazQux", pattern: /bazqux/i },
  { name: "Feedspot", pattern: /feedspot/i },
  { name: "Netvibes", pattern: /netvibes/i },
  { name: "Superfeedr", pattern: /superfeedr/i },
  { name: "Bloglovin", pattern: /bloglovin/i },
  { name: "FeedHQ", pattern: /feedhq/i },
  { name: "Feeder", pattern: /feeder\.co\b/i },
  { name: "Google Feedfetcher", pattern: /feedfetcher-google/i },
];

/** Readers that poll for one person: desktop and mobile apps, and self-hosted servers. */
const READERS: readonly Service[] = [
  { name: "NetNewsWire", pattern: /netnewswire/i },
  { name: "newsboat", pattern: /newsboat/i },
  { name: "Newsbeuter", pattern: /newsbeuter/i },
  { name: "Miniflux", pattern: /miniflux/i },
  { name: "FreshRSS", pattern: /freshrss/i },
  { name: "Tiny Tiny RSS", pattern: /tiny tiny rss/i },
  { name: "Nextcloud News", pattern: /nextcloud-news/i },
  { name: "CommaFeed", pattern: /commafeed/i },
  { name: "selfoss", pattern: /selfoss/i },
  { name: "Thunderbird", pattern: /thunderbird\//i },
  { name: "Liferea", pattern: /liferea/i },
  { name: "Akregator", pattern: /akregator/i },
  { name: "QuiteRSS", pattern: /quiterss/i },
  { name: "RSS Guard", pattern: /rss ?guard/i },
  { name: "RSSOwl", pattern: /rssowl/i },
  { name: "NewsFlash", pattern: /newsflash/i },
  { name: "Vienna", pattern: /\bvienna\/\d/i },
  { name: "ReadKit", pattern: /readkit/i },
  { name: "Reeder", pattern: /reeder/i },
  { name: "Fiery Feeds", pattern: /fiery ?feeds/i },
  { name: "NewsBar", pattern: /newsbar/i },
  { name: "FeedFlow", pattern: /feedflow/i },
  { name: "Feeder (Android)", pattern: /spacecowboys android rss reader/i },
  { name: "Newsraft", pattern: /newsraft/i },
  { name: "Elfeed", pattern: /elfeed/i },
];

// Not inside a longer number: "12345678901 subscribers" is no count, not its last ten digits.
const COUNT = /(?<![\d,])(\d{1,3}(?:,\d{3}){1,3}|\d{1,10})\s+(?:subscribers?|readers?)\b/i;
const FEED_ID = /feed-?id\s*[=:]\s*([A-Za-z0-9._~-]{1,100})/i;
const BOT =
  /bot\b|bot\/|crawl|spider|slurp|archiver|scrap|curl\/|wget\/|python-|aiohttp|httpx|go-http-client|java\/|okhttp|node-fetch|undici|axios|libwww|httpclient|headless|phantomjs|lighthouse|validator|feedparser|facebookexternalhit|preview|monitor|uptime|pingdom/i;
const BROWSER = /^Mozilla\/\d.*\b(?:Gecko|AppleWebKit|Trident|Presto)\b|^Opera\//;

const find = (services: readonly Service[], ua: string) => services.find((service) => service.pattern.test(ua));

/** A service's name when no table knows it: `compatible; name` or the first product token. */
function serviceName(ua: string): string {
  const token = /compatible;\s*([^;/()]{1,60})/i.exec(ua)?.[1] ?? /^([^;/()]{1,60})/.exec(ua)?.[1] ?? "";
  const name = token.split(/\s+-\s+|\s+\d/)[0]?.trim() ?? "";
  return /^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,39}$/u.test(name) ? name : "Other";
}

export function classify(userAgent: string | null | undefined): Classification {
  const ua = (userAgent ?? "").slice(0, MAX_LENGTH).trim();
  if (!ua) return { kind: "ignored", reason: "unknown" };
  const hosted = find(HOSTED, ua);
  const count = COUNT.exec(ua)?.[1];
  if (count !== undefined) {
    const service = hosted ?? find(READERS, ua);
    const feedId = (hosted?.feedId ?? FEED_ID).exec(ua)?.[1] ?? FEED_ID.exec(ua)?.[1] ?? "";
    const subscribers = Number(count.replaceAll(",", ""));
    return { kind: "hosted", service: service?.name ?? serviceName(ua), subscribers, feedId };
  }
  if (hosted) return { kind: "ignored", reason: "hosted without a count" };
  const reader = find(READERS, ua);
  if (reader) return { kind: "individual", service: reader.name };
  if (BOT.test(ua)) return { kind: "ignored", reason: "bot" };
  if (BROWSER.test(ua)) return { kind: "ignored", reason: "browser" };
  return { kind: "ignored", reason: "unknown" };
}
