// Lifetimes and Cache-Control: max-age and s-maxage are RFC 9111 §5.2.2.1 and §5.2.2.10
// (whole delta-seconds), stale-while-revalidate and stale-if-error RFC 5861 §3 and §4,
// each counted after the response is stale. No lifetime runs past the next scheduled
// article (the README's rule), except the fallback to a stale copy when rendering fails.
import { describe, expect, it } from "vitest";
import { cacheControl, freshness } from "./freshness.js";

// The defaults of wrangler.toml: CACHE_MAX_AGE, CACHE_STALE_WHILE_REVALIDATE, CACHE_STALE_IF_ERROR.
const POLICY = { maxAge: 300, staleWhileRevalidate: 600, staleIfError: 86_400 };
const NOW = Date.UTC(2026, 4, 2, 9, 15);
const S = 1000;

/** Cache-Control parsed as RFC 9110 §5.6.1 lists and RFC 9111 §5.2 directives. */
function directives(value: string): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (const member of value.split(",")) {
    const [name, argument] = member.trim().split("=");
    expect(name, value).toMatch(/^[a-z-]+$/);
    if (argument !== undefined) expect(argument, `${name} is delta-seconds`).toMatch(/^\d+$/);
    out[name as string] = argument ?? true;
  }
  return out;
}

describe("freshness", () => {
  it("follows the policy when nothing is scheduled", () => {
    expect(freshness(POLICY, NOW, undefined)).toEqual({
      freshUntil: NOW + 300 * S,
      staleUntil: NOW + 900 * S,
      errorUntil: NOW + 900 * S + 86_400 * S,
    });
  });

  it("ends fresh and stale-while-revalidate when the next article appears", () => {
    const soon = NOW + 120 * S;
    expect(freshness(POLICY, NOW, soon)).toMatchObject({ freshUntil: soon, staleUntil: soon });
    const later = NOW + 500 * S;
    expect(freshness(POLICY, NOW, later)).toMatchObject({ freshUntil: NOW + 300 * S, staleUntil: later });
  });

  it("still lets a failed render fall back to the copy for stale-if-error", () => {
    const soon = NOW + 120 * S;
    expect(freshness(POLICY, NOW, soon).errorUntil).toBe(soon + 86_400 * S);
  });

  it("gives nothing fresh when the change is now", () => {
    expect(freshness(POLICY, NOW, NOW)).toMatchObject({ freshUntil: NOW, staleUntil: NOW });
  });
});

describe("cacheControl", () => {
  it("says the policy to a shared cache and a reader alike", () => {
    const value = cacheControl(freshness(POLICY, NOW, undefined), POLICY, NOW);
    expect(directives(value)).toEqual({
      public: true,
      "max-age": "300",
      "s-maxage": "300",
      "stale-while-revalidate": "600",
      "stale-if-error": "86400",
    });
  });

  it("counts down from when the entry was rendered, stale-while-revalidate after max-age", () => {
    const lifetimes = freshness(POLICY, NOW, undefined);
    expect(directives(cacheControl(lifetimes, POLICY, NOW + 100 * S))).toMatchObject({
      "max-age": "200",
      "stale-while-revalidate": "600",
    });
    // Stale: max-age 0, and the window left to revalidate in.
    expect(directives(cacheControl(lifetimes, POLICY, NOW + 400 * S))).toMatchObject({
      "max-age": "0",
      "stale-while-revalidate": "500",
    });
    expect(directives(cacheControl(lifetimes, POLICY, NOW + 901 * S))).toMatchObject({
      "max-age": "0",
      "stale-while-revalidate": "0",
    });
  });

  it("rounds down to whole seconds, so no cache keeps a copy past the scheduled article", () => {
    const lifetimes = freshness(POLICY, NOW, NOW + 1999);
    expect(directives(cacheControl(lifetimes, POLICY, NOW))).toMatchObject({
      "max-age": "1",
      "s-maxage": "1",
      "stale-while-revalidate": "0",
    });
  });

  it("never goes negative", () => {
    const lifetimes = freshness(POLICY, NOW, NOW + 10 * S);
    expect(directives(cacheControl(lifetimes, POLICY, NOW + 3_600 * S))).toMatchObject({
      "max-age": "0",
      "s-maxage": "0",
      "stale-while-revalidate": "0",
    });
  });
});
