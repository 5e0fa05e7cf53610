// Months in UTC (RFC 5005 archives): expected values written as ISO 8601 instants.
import { describe, expect, it } from "vitest";
import { monthOf, monthRange, startOfMonth, startOfNextMonth } from "./months.js";

const at = (iso: string) => Date.parse(iso);

describe("monthOf", () => {
  it.each([
    ["2026-05-01T00:00:00Z", "2026-05"],
    ["2026-05-31T23:59:59.999Z", "2026-05"],
    ["2026-06-01T00:00:00Z", "2026-06"],
    // A local time zone does not move the month: 01:30 in Paris is still 30 April in UTC.
    ["2026-05-01T01:30:00+02:00", "2026-04"],
    ["2024-02-29T12:00:00Z", "2024-02"],
    ["1969-12-31T23:59:59Z", "1969-12"],
    ["1970-01-01T00:00:00Z", "1970-01"],
  ])("%s is in %s", (iso, month) => {
    expect(monthOf(at(iso))).toBe(month);
  });
});

describe("monthRange", () => {
  it.each([
    ["2026-05", "2026-05-01T00:00:00Z", "2026-06-01T00:00:00Z"],
    ["2026-12", "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z"],
    ["2024-02", "2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z"],
    ["2023-02", "2023-02-01T00:00:00Z", "2023-03-01T00:00:00Z"],
    ["2026-01", "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"],
  ])("%s is [%s, %s)", (month, from, to) => {
    expect(monthRange(month)).toEqual({ from: at(from), to: at(to) });
  });

  it("has 29 days in a leap February and 28 in another", () => {
    const days = (month: string) => {
      const range = monthRange(month);
      return range ? (range.to - range.from) / 86_400_000 : Number.NaN;
    };
    expect([days("2024-02"), days("2023-02"), days("2000-02"), days("1900-02")]).toEqual([29, 28, 29, 28]);
  });

  it.each(["2026-13", "2026-00", "2026-5", "26-05", "2026-05-01", " 2026-05", "2026-05\n", "2026/05", "", "abcd-ef"])(
    "%j is not a month",
    (value) => {
      expect(monthRange(value)).toBeUndefined();
    },
  );
});

describe("startOfMonth", () => {
  it.each([
    ["2026-05-17T09:15:00Z", "2026-05-01T00:00:00Z"],
    ["2026-05-01T00:00:00Z", "2026-05-01T00:00:00Z"],
    ["2026-04-30T23:59:59.999Z", "2026-04-01T00:00:00Z"],
    ["2026-03-31T23:00:00-02:00", "2026-04-01T00:00:00Z"],
    ["2027-01-01T00:00:00.001Z", "2027-01-01T00:00:00Z"],
  ])("%s is in the month that starts %s", (iso, start) => {
    expect(startOfMonth(at(iso))).toBe(at(start));
  });
});

describe("startOfNextMonth", () => {
  it.each([
    ["2026-05-17T09:15:00Z", "2026-06-01T00:00:00Z"],
    // The first instant of a month belongs to it: the next one starts a month later.
    ["2026-05-01T00:00:00Z", "2026-06-01T00:00:00Z"],
    ["2026-05-31T23:59:59.999Z", "2026-06-01T00:00:00Z"],
    ["2026-12-31T23:59:59Z", "2027-01-01T00:00:00Z"],
    ["2024-02-29T12:00:00Z", "2024-03-01T00:00:00Z"],
    // 31 March 23:00 at -02:00 is already April in UTC.
    ["2026-03-31T23:00:00-02:00", "2026-05-01T00:00:00Z"],
  ])("after %s, the next month starts %s", (iso, start) => {
    expect(startOfNextMonth(at(iso))).toBe(at(start));
  });
});
