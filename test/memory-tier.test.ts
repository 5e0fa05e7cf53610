// The cache's in-isolate tier: its byte budget and its notion of fresh. Conditional GET's
// units are beside its code, in src/http/conditional.test.ts.
import { describe, expect, it } from "vitest";
import { MemoryTier, makeEntry } from "../src/http/cache.js";

const NOW = Date.UTC(2026, 5, 1, 12);

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
