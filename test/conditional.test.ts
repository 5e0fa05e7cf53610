// Units of the cache: HTTP-dates as RFC 9110 §5.6.7 defines them, and the in-isolate tier's byte budget.
import { describe, expect, it } from "vitest";
import { MemoryTier, makeEntry } from "../src/http/cache.js";
import { isNotModified, parseHttpDate } from "../src/http/conditional.js";

const NOW = Date.UTC(2026, 5, 1, 12);
// RFC 9110 §5.6.7's own example instant, in its three forms.
const EXAMPLE = Date.UTC(1994, 10, 6, 8, 49, 37);

describe("parseHttpDate", () => {
  it.each([["Sun, 06 Nov 1994 08:49:37 GMT"], ["Sunday, 06-Nov-94 08:49:37 GMT"], ["Sun Nov  6 08:49:37 1994"]])(
    "reads %s",
    (value) => {
      expect(parseHttpDate(value, NOW)).toBe(EXAMPLE);
    },
  );

  it.each([
    "3000",
    "2026-06-01",
    "Dec 31 2099",
    "yesterday",
    "Sun, 06 Nov 1994 08:49:37 UTC",
    "sun, 06 Nov 1994 08:49:37 GMT",
    "Sun, 6 Nov 1994 08:49:37 GMT",
    "Sun, 31 Feb 1994 08:49:37 GMT",
    "Sun, 06 Nov 1994 24:49:37 GMT",
    "Sun, 06 Nov 1994 08:49:60 GMT",
    "",
  ])("ignores %j", (value) => {
    expect(parseHttpDate(value, NOW)).toBeUndefined();
  });
});

describe("isNotModified", () => {
  const since = (value: string) => new Headers({ "If-Modified-Since": value });
  it("compares If-Modified-Since with Last-Modified to the second", () => {
    const lastModified = Date.UTC(2026, 4, 1);
    expect(isNotModified(since("Fri, 01 May 2026 00:00:00 GMT"), '"x"', lastModified, NOW)).toBe(true);
    expect(isNotModified(since("Thu, 30 Apr 2026 23:59:59 GMT"), '"x"', lastModified, NOW)).toBe(false);
  });

  it("ignores a date later than now, which hides every later change", () => {
    expect(isNotModified(since("Mon, 01 Jun 2026 12:00:01 GMT"), '"x"', Date.UTC(2026, 4, 1), NOW)).toBe(false);
  });

  it("lets If-None-Match decide alone", () => {
    const headers = new Headers({ "If-None-Match": '"y"', "If-Modified-Since": "Fri, 01 May 2026 00:00:00 GMT" });
    expect(isNotModified(headers, '"x"', Date.UTC(2026, 3, 1), NOW)).toBe(false);
  });
});

describe("MemoryTier", () => {
  const entry = (bytes: number) =>
    makeEntry({
      body: new Uint8Array(bytes),
      etag: '"e"',
      lastModifiedMs: NOW,
      contentType: "text/plain",
      vary: "Accept-Encoding",
      lifetimes: { freshUntil: NOW + 1000, staleUntil: NOW + 2000, errorUntil: NOW + 3000 },
    });

  it("keeps the most recently used entries within its byte budget", () => {
    const tier = new MemoryTier(1000);
    for (const key of ["a", "b", "c", "d"]) tier.set(key, entry(240));
    tier.get("a");
    tier.set("e", entry(240));
    expect(tier.get("b")).toBeUndefined();
    for (const key of ["a", "c", "d", "e"]) expect(tier.get(key), key).toBeDefined();
  });

  it("never holds a body over a quarter of its budget, nor a stale entry as fresh", () => {
    const tier = new MemoryTier(1000);
    tier.set("big", entry(300));
    expect(tier.get("big")).toBeUndefined();
    tier.set("small", entry(10));
    expect(tier.fresh("small", NOW)).toBeDefined();
    expect(tier.fresh("small", NOW + 1000)).toBeUndefined();
  });

  it("holds nothing with a budget of 0", () => {
    const tier = new MemoryTier(0);
    tier.set("a", entry(1));
    expect(tier.get("a")).toBeUndefined();
  });
});
