// The feeds' order: newest first, and among articles of the same instant, ids in ascending
// code-unit order, so two builds of the same files always list them alike.
import { describe, expect, it } from "vitest";
import { compareArticles } from "./order.js";

const at = (iso: string, id: string) => ({ publishedMs: Date.parse(iso), id });
const ids = (list: { id: string }[]) => list.map((article) => article.id);

describe("compareArticles", () => {
  it("puts the newest first", () => {
    const list = [at("2026-05-01T00:00:00Z", "a"), at("2026-06-01T00:00:00Z", "b"), at("2025-12-31T23:59:59Z", "c")];
    expect(ids(list.sort(compareArticles))).toEqual(["b", "a", "c"]);
  });

  it("breaks a tie by id, whatever order the files came in", () => {
    const same = "2026-05-01T09:00:00Z";
    const forward = [at(same, "b"), at(same, "a"), at(same, "B"), at(same, "a-1")];
    const backward = [...forward].reverse();
    // "B" (U+0042) sorts before "a" (U+0061); "a" is a prefix of "a-1".
    expect(ids(forward.sort(compareArticles))).toEqual(["B", "a", "a-1", "b"]);
    expect(ids(backward.sort(compareArticles))).toEqual(["B", "a", "a-1", "b"]);
  });

  it("is zero only for the same position", () => {
    expect(compareArticles(at("2026-05-01T00:00:00Z", "x"), at("2026-05-01T00:00:00Z", "x"))).toBe(0);
    expect(compareArticles(at("2026-05-01T00:00:00Z", "x"), at("2026-05-01T00:00:00.001Z", "x"))).toBeGreaterThan(0);
  });
});
