// canonicalSearch writes values the way the platform's URLSearchParams does (the WHATWG
// form encoding), whichever characters they hold: the serializer is the oracle.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalSearch } from "./query.js";

const platform = (pairs: [string, string][]) => {
  const search = new URLSearchParams(pairs).toString();
  return search ? `?${search}` : "";
};

/** Mostly the characters near the edge of the short way, some from anywhere. */
const edgy = fc.string({
  unit: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(..."aZ09*._ -~!'()+%&=?#/:@,;$[]\\\"<>^`{|}") },
    { weight: 1, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
  ),
  maxLength: 12,
});

describe("canonicalSearch", () => {
  it("encodes any value as URLSearchParams does", () => {
    fc.assert(
      fc.property(edgy, fc.string({ unit: "grapheme-composite" }), (type, word) => {
        expect(canonicalSearch({ type })).toBe(platform([["type", type]]));
        expect(canonicalSearch({ q: [word, "ai"] })).toBe(platform([["q", `${word} ai`]]));
      }),
      { numRuns: 2_000 },
    );
  });

  it("writes the known parameters in canonical order and leaves out absent ones", () => {
    const search = canonicalSearch({
      before: { publishedMs: 1_780_000_000_000, id: "001_ab" },
      minQuality: 50,
      topic: "ai",
      q: ["quantum", "ωmega"],
      limit: undefined,
    });
    expect(search).toBe(
      platform([
        ["topic", "ai"],
        ["minQuality", "50"],
        ["q", "quantum ωmega"],
        ["before", "1780000000000.001_ab"],
      ]),
    );
    expect(canonicalSearch({})).toBe("");
  });
});
