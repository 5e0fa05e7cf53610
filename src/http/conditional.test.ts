// Conditional GET, with expected values from RFC 9110: HTTP-dates (§5.6.7), entity-tag
// comparison (§8.8.3.2), If-None-Match (§13.1.2) and If-Modified-Since (§13.1.3).
import { describe, expect, it } from "vitest";
import { isNotModified, matchesIfNoneMatch, parseHttpDate, strongEtag } from "./conditional.js";

const NOW = Date.UTC(2026, 5, 1, 12);
// RFC 9110 §5.6.7's own example instant, Sun, 06 Nov 1994 08:49:37 GMT.
const EXAMPLE = Date.UTC(1994, 10, 6, 8, 49, 37);

describe("parseHttpDate", () => {
  it.each([["Sun, 06 Nov 1994 08:49:37 GMT"], ["Sunday, 06-Nov-94 08:49:37 GMT"], ["Sun Nov  6 08:49:37 1994"]])(
    "reads %s, one of §5.6.7's three forms of the same instant",
    (value) => {
      expect(parseHttpDate(value, NOW)).toBe(EXAMPLE);
    },
  );

  it("reads a two-digit year more than 50 years ahead as the century before (§5.6.7)", () => {
    // Now is 2026: 76 is 2076 (50 years ahead, not more); 77 would be 2077, so it is 1977.
    expect(parseHttpDate("Tuesday, 01-Dec-76 00:00:00 GMT", NOW)).toBe(Date.UTC(2076, 11, 1));
    expect(parseHttpDate("Thursday, 01-Dec-77 00:00:00 GMT", NOW)).toBe(Date.UTC(1977, 11, 1));
    expect(parseHttpDate("Tuesday, 01-Dec-26 00:00:00 GMT", NOW)).toBe(Date.UTC(2026, 11, 1));
  });

  it.each([
    // Not HTTP-dates at all, though Date.parse takes them.
    "3000",
    "2026-06-01",
    "2026-06-01T00:00:00Z",
    "Dec 31 2099",
    "yesterday",
    // The grammar is case-sensitive and exact: GMT only, two-digit day, names as written.
    "Sun, 06 Nov 1994 08:49:37 UTC",
    "Sun, 06 Nov 1994 08:49:37 +0000",
    "sun, 06 Nov 1994 08:49:37 GMT",
    "Sun, 06 nov 1994 08:49:37 GMT",
    "Sun, 6 Nov 1994 08:49:37 GMT",
    "Sun,  06 Nov 1994 08:49:37 GMT",
    "Sun, 06 Nov 94 08:49:37 GMT",
    // Out of range: no 31 February, no hour 24, no leap second 60.
    "Sun, 31 Feb 1994 08:49:37 GMT",
    "Sun, 06 Nov 1994 24:49:37 GMT",
    "Sun, 06 Nov 1994 08:60:37 GMT",
    "Sun, 06 Nov 1994 08:49:60 GMT",
    // Two dates joined, as Headers.get joins a repeated field (§13.1.3: more than one member).
    "Sun, 06 Nov 1994 08:49:37 GMT, Sun, 06 Nov 1994 08:49:37 GMT",
    "",
  ])("ignores %j", (value) => {
    expect(parseHttpDate(value, NOW)).toBeUndefined();
  });
});

describe("matchesIfNoneMatch (weak comparison, §8.8.3.2 and §13.1.2)", () => {
  it.each([
    // §8.8.3.2's table: weak comparison matches when the opaque-tags are equal.
    ['W/"1"', 'W/"1"', true],
    ['W/"1"', 'W/"2"', false],
    ['W/"1"', '"1"', true],
    ['"1"', '"1"', true],
    // Tags are opaque and case-sensitive; the weak prefix is exactly `W/`.
    ['"xyzzy"', '"XYZZY"', false],
    ['w/"1"', '"1"', false],
    // §13.1.2's examples: a list, a list of weak tags, and "*" for any current representation.
    ['"xyzzy", "r2d2xxxx", "c3piozzzz"', '"r2d2xxxx"', true],
    ['W/"xyzzy", W/"r2d2xxxx", W/"c3piozzzz"', '"c3piozzzz"', true],
    ['"xyzzy", "r2d2xxxx", "c3piozzzz"', '"other"', false],
    ["*", '"anything"', true],
    // Optional whitespace around list members.
    ['  "a" ,"b"  ', '"b"', true],
    // An unquoted value is not an entity-tag.
    ["1", '"1"', false],
    ["", '"1"', false],
  ])("If-None-Match %j against %s: %s", (header, etag, expected) => {
    expect(matchesIfNoneMatch(header, etag)).toBe(expected);
  });
});

describe("isNotModified", () => {
  const LAST_MODIFIED = Date.UTC(2026, 4, 1);
  const since = (value: string) => new Headers({ "If-Modified-Since": value });

  it("is not modified when Last-Modified is no later than the date (§13.1.3), to the second", () => {
    expect(isNotModified(since("Fri, 01 May 2026 00:00:00 GMT"), '"x"', LAST_MODIFIED, NOW)).toBe(true);
    expect(isNotModified(since("Sat, 02 May 2026 00:00:00 GMT"), '"x"', LAST_MODIFIED, NOW)).toBe(true);
    expect(isNotModified(since("Thu, 30 Apr 2026 23:59:59 GMT"), '"x"', LAST_MODIFIED, NOW)).toBe(false);
  });

  it("ignores a date later than now, which was never a Last-Modified sent and would hide every later change", () => {
    expect(isNotModified(since("Mon, 01 Jun 2026 12:00:01 GMT"), '"x"', LAST_MODIFIED, NOW)).toBe(false);
    expect(isNotModified(since("Mon, 01 Jun 2026 12:00:00 GMT"), '"x"', LAST_MODIFIED, NOW)).toBe(true);
  });

  it("ignores an If-Modified-Since that is not one HTTP-date", () => {
    expect(isNotModified(since("2026-05-02"), '"x"', LAST_MODIFIED, NOW)).toBe(false);
    const twice = new Headers([
      ["If-Modified-Since", "Sat, 02 May 2026 00:00:00 GMT"],
      ["If-Modified-Since", "Sat, 02 May 2026 00:00:00 GMT"],
    ]);
    expect(isNotModified(twice, '"x"', LAST_MODIFIED, NOW)).toBe(false);
  });

  it("lets If-None-Match decide alone, whichever way If-Modified-Since would (§13.1.3)", () => {
    const both = (tag: string, date: string) => new Headers({ "If-None-Match": tag, "If-Modified-Since": date });
    expect(isNotModified(both('"y"', "Sat, 02 May 2026 00:00:00 GMT"), '"x"', LAST_MODIFIED, NOW)).toBe(false);
    expect(isNotModified(both('"x"', "Thu, 01 Jan 1970 00:00:00 GMT"), '"x"', LAST_MODIFIED, NOW)).toBe(true);
  });

  it("is modified without either header", () => {
    expect(isNotModified(new Headers(), '"x"', LAST_MODIFIED, NOW)).toBe(false);
  });
});

describe("strongEtag", () => {
  const bytes = (text: string) => new TextEncoder().encode(text);

  it("is a strong entity-tag: a quoted opaque-tag of etagc characters, no W/ (§8.8.3)", () => {
    for (const body of ["", "a", "<rss/>", "é".repeat(10_000)]) {
      expect(strongEtag(bytes(body))).toMatch(/^"[\x21\x23-\x7e\x80-\xff]+"$/);
    }
  });

  it("changes exactly when the bytes do", () => {
    expect(strongEtag(bytes("<rss/>"))).toBe(strongEtag(bytes("<rss/>")));
    expect(strongEtag(bytes("<rss/>"))).not.toBe(strongEtag(bytes("<rss/> ")));
    expect(strongEtag(bytes("a"))).not.toBe(strongEtag(bytes("A")));
  });
});
