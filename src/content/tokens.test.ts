import { describe, expect, it } from "vitest";
import { fold, textTokens, words, wordTokens } from "./tokens.js";

describe("keyword tokens", () => {
  it.each([
    ["Quantum AI", ["quantum", "ai"]],
    ["Énergie NUCLÉAIRE à Zürich", ["energie", "nucleaire", "a", "zurich"]],
    ["Straße", ["strasse"]],
    ["ｆｕｌｌ-width", ["full", "width"]],
    ["Москва́ Ёлка", ["москва", "елка"]],
    ["Ελλάδα", ["ελλαδα"]],
    ["AI人工智能 news", ["ai", "人工智能", "news"]],
    ["ガーデン", ["ガーデン"]],
    ["한국어 뉴스", ["한국어", "뉴스"]],
    ["हिन्दी समाचार", ["हिन्दी", "समाचार"]],
    ["e=mc² 2026", ["e", "mc2", "2026"]],
    ["  --  ", []],
  ])("%s → %j", (text, expected) => {
    expect(words(text)).toEqual(expected);
  });

  it("splits unspaced words into bigrams, single characters alone", () => {
    expect(wordTokens("人工智能")).toEqual(["人工", "工智", "智能"]);
    expect(wordTokens("猫")).toEqual(["猫"]);
    expect(wordTokens("quantum")).toEqual(["quantum"]);
  });

  it("indexes a text under its distinct tokens, sorted; unspaced runs under their characters too", () => {
    expect(textTokens("AI and ai: 量子 AI")).toEqual(["ai", "and", "子", "量", "量子"]);
    expect(textTokens("猫")).toEqual(["猫"]);
  });

  it("cuts long spaced words, never an unspaced run", () => {
    expect(words("x".repeat(80))).toEqual(["x".repeat(64)]);
    const long = "量子计算".repeat(30);
    expect(words(long)).toEqual([long]);
    expect(textTokens(long)).toContain("算量");
  });

  it("gives ASCII text the words the general path gives", () => {
    for (const text of ["Quantum AI-driven: e=mc2, 2026!", "x_y.z", "A\tB\nC", "it's O'Neil's"]) {
      // A non-ASCII space at the end sends the text down the general path.
      expect(words(text), text).toEqual(words(`${text}\u00a0`));
    }
  });

  it("folds the same text the same way however it is composed", () => {
    expect(fold("e\u0301")).toBe(fold("\u00e9"));
  });
});
