// Expected strings written by hand from RFC 3339 §5.6 and RFC 9110 §5.6.7 (IMF-fixdate:
// day-name, 2-digit day, month-name, 4-digit year, 2-digit time, "GMT").
import { describe, expect, it } from "vitest";
import { httpDate, rfc3339, utcDay, utcMonth } from "./dates.js";

const at = (iso: string) => Date.parse(iso);

describe("rfc3339", () => {
  it.each([
    ["2026-05-02T09:15:00Z", "2026-05-02T09:15:00Z"],
    // Milliseconds are dropped (truncated, not rounded): every format prints whole seconds.
    ["2026-05-02T09:15:00.999Z", "2026-05-02T09:15:00Z"],
    // An offset becomes the same instant in UTC.
    ["2026-05-02T01:30:00+02:00", "2026-05-01T23:30:00Z"],
    ["1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z"],
    ["9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z"],
  ])("%s is %s", (input, expected) => {
    expect(rfc3339(at(input))).toBe(expected);
  });
});

describe("httpDate", () => {
  it.each([
    // RFC 9110 §5.6.7's own example.
    ["1994-11-06T08:49:37Z", "Sun, 06 Nov 1994 08:49:37 GMT"],
    // Single-digit days and hours are zero-padded; the time is whole seconds.
    ["2026-03-01T00:00:05.750Z", "Sun, 01 Mar 2026 00:00:05 GMT"],
    ["2024-02-29T23:59:59Z", "Thu, 29 Feb 2024 23:59:59 GMT"],
    ["2026-05-02T01:30:00+02:00", "Fri, 01 May 2026 23:30:00 GMT"],
  ])("%s is %s", (input, expected) => {
    expect(httpDate(at(input))).toBe(expected);
  });

  it("matches the IMF-fixdate grammar", () => {
    const fixdate =
      /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
    for (let ms = 0; ms < at("2100-01-01T00:00:00Z"); ms += 37 * 86_400_000 + 3_723_000) {
      expect(httpDate(ms)).toMatch(fixdate);
    }
  });
});

describe("utcDay and utcMonth", () => {
  it.each([
    ["2026-05-31T23:59:59.999Z", "2026-05-31", "2026-05"],
    ["2026-06-01T00:00:00Z", "2026-06-01", "2026-06"],
    // Local midnight in Paris is still the previous day and month in UTC.
    ["2026-06-01T00:30:00+02:00", "2026-05-31", "2026-05"],
    ["2024-12-31T23:00:00-01:00", "2025-01-01", "2025-01"],
  ])("%s is on %s, in %s", (input, day, month) => {
    expect(utcDay(at(input))).toBe(day);
    expect(utcMonth(at(input))).toBe(month);
  });
});
