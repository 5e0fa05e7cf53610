// The user-agent classifier, one row per form a real fetcher sends (expected values read
// off the strings themselves, not from the classifier).
import { describe, expect, it } from "vitest";
import { type Classification, classify } from "../src/stats/classify.js";

const hosted = (service: string, subscribers: number, feedId = ""): Classification => ({
  kind: "hosted",
  service,
  subscribers,
  feedId,
});
const individual = (service: string): Classification => ({ kind: "individual", service });
const ignored = (reason: Extract<Classification, { kind: "ignored" }>["reason"]): Classification => ({
  kind: "ignored",
  reason,
});

const CHROME =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

const CASES: [string, string | null, Classification][] = [
  // Hosted readers, in the forms the issue quotes.
  ["Feedly", "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 462 subscribers; )", hosted("Feedly", 462)],
  ["Inoreader", "Mozilla/5.0 (compatible; inoreader.com; 114 subscribers)", hosted("Inoreader", 114)],
  [
    "NewsBlur, its id in the site URL",
    `NewsBlur Feed Fetcher - 27 subscribers - https://www.newsblur.com/site/6865328/signal-digest (${CHROME})`,
    hosted("NewsBlur", 27, "6865328"),
  ],
  ["Feedbin", "Feedbin feed-id:1697787 - 102 subscribers", hosted("Feedbin", 102, "1697787")],
  [
    "The Old Reader",
    "Mozilla/5.0 (compatible; theoldreader.com; 1 subscribers; feed-id=5a1b2c3d4e5f60718293a4b5)",
    hosted("The Old Reader", 1, "5a1b2c3d4e5f60718293a4b5"),
  ],
  ["BazQux", "Mozilla/5.0 (compatible; BazQux/2.4; +https://bazqux.com/fetcher; 1 subscribers)", hosted("BazQux", 1)],
  [
    "Google Feedfetcher",
    "Feedfetcher-Google; (+http://www.google.com/feedfetcher.html; 16 subscribers; feed-id=4715258352616325435)",
    hosted("Google Feedfetcher", 16, "4715258352616325435"),
  ],
  ["Netvibes, feedID:", "Netvibes (crawler/; 3 subscribers; feedID: 12345)", hosted("Netvibes", 3, "12345")],
  // The general pattern: any fetcher that says `N subscribers` or `N readers`.
  [
    "an unknown aggregator, `N readers` with a thousands separator",
    "ExampleAggregator/2.1 (+https://aggregator.example/fetcher; 1,204 readers)",
    hosted("ExampleAggregator", 1204),
  ],
  [
    "an unknown `compatible;` fetcher",
    "Mozilla/5.0 (compatible; Reader Hub/3.0; 1 subscriber)",
    hosted("Reader Hub", 1),
  ],
  ["a bot that reports a count", "Superfeedr bot/2.0 http://superfeedr.com - 5 subscribers", hosted("Superfeedr", 5)],
  ["a reader that reports a count", "CommaFeed/5.1 (https://www.commafeed.com) 9 subscribers", hosted("CommaFeed", 9)],
  [
    "no count: Feedly's plain form",
    "Feedly/1.0 (+http://www.feedly.com/fetcher.html; like FeedFetcher-Google)",
    ignored("hosted without a count"),
  ],
  // Individual readers.
  ["NetNewsWire", "NetNewsWire (RSS Reader; https://netnewswire.com/)", individual("NetNewsWire")],
  ["newsboat", "Newsboat/2.36.0 (Linux x86_64)", individual("newsboat")],
  ["Miniflux", "Mozilla/5.0 (compatible; Miniflux/2.1.3; +https://miniflux.app)", individual("Miniflux")],
  ["FreshRSS", "FreshRSS/1.23.1 (Linux; https://freshrss.org)", individual("FreshRSS")],
  [
    "Thunderbird, before the browser test",
    "Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Thunderbird/115.6.0",
    individual("Thunderbird"),
  ],
  ["Tiny Tiny RSS", "Tiny Tiny RSS/21.11-2f4bd4a (https://tt-rss.org/)", individual("Tiny Tiny RSS")],
  ["Liferea", "Liferea/1.13.8 (Linux; en_US.UTF-8; https://lzone.de/liferea/)", individual("Liferea")],
  ["Akregator", "Akregator/5.24.3; syndication", individual("Akregator")],
  ["Nextcloud News", "NextCloud-News/1.0", individual("Nextcloud News")],
  ["CommaFeed", "CommaFeed/4.3.0 (https://github.com/Athou/commafeed)", individual("CommaFeed")],
  [
    "Feeder on Android",
    "SpaceCowboys Android RSS Reader / 2.4.1 (Android 14; https://github.com/spacecowboy/Feeder)",
    individual("Feeder (Android)"),
  ],
  // Browsers and bots: never counted.
  ["Chrome", CHROME, ignored("browser")],
  ["Firefox", "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", ignored("browser")],
  [
    "Safari on an iPhone",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    ignored("browser"),
  ],
  ["Googlebot", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", ignored("bot")],
  ["bingbot", "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", ignored("bot")],
  [
    "headless Chrome",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
    ignored("bot"),
  ],
  ["curl", "curl/8.5.0", ignored("bot")],
  ["python-requests", "python-requests/2.32.3", ignored("bot")],
  ["Go", "Go-http-client/2.0", ignored("bot")],
  ["the W3C validator", "W3C_Validator/1.3 http://validator.w3.org/services", ignored("bot")],
  ["no User-Agent", null, ignored("unknown")],
  ["an empty one", "   ", ignored("unknown")],
  ["an unknown program", "SomethingElse/1.0", ignored("unknown")],
  // Hostile forms.
  ["a number longer than a count", "Fetcher/1.0; 12345678901 subscribers", ignored("unknown")],
  ["markup as a service name", "<script>alert(1)</script>; 5 subscribers", hosted("Other", 5)],
  ["a count past the first 512 characters", `Fetcher/1.0 ${"x".repeat(600)} 7 subscribers`, ignored("unknown")],
];

describe("classify", () => {
  it.each(CASES)("%s", (_name, ua, expected) => {
    expect(classify(ua)).toEqual(expected);
  });

  it("reads a 100 KB header in bounded time", () => {
    const started = performance.now();
    classify(`${"1 ".repeat(50_000)}subscribers`);
    expect(performance.now() - started).toBeLessThan(50);
  });
});
