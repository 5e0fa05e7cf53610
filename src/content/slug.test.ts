// The slug grammar, one row per script and rule. Expected values are written out from the
// Unicode rules (NFKD, the scripts whose marks fold, lower case, NFC), not taken from slugify.
import { describe, expect, it } from "vitest";
import { isSlug, SLUG_MAX, slugify } from "./slug.js";

const CASES: [what: string, label: string, slug: string][] = [
  ["plain English", "AI in Healthcare", "ai-in-healthcare"],
  ["French accents", "Énergie renouvelable", "energie-renouvelable"],
  ["accents written decomposed", "E\u0301nergie", "energie"],
  ["Vietnamese stacked marks", "Tiếng Việt", "tieng-viet"],
  ["Spanish ñ", "Año Nuevo", "ano-nuevo"],
  ["German ß", "Straße", "strasse"],
  ["German capital ẞ", "GROẞ", "gross"],
  ["Turkish dotted capital İ", "İstanbul", "istanbul"],
  ["Turkish dotless ı", "Işık", "isik"],
  ["Danish ø and æ", "Ærø", "aero"],
  ["Polish ł", "Łódź", "lodz"],
  ["Greek with tonos", "Ελλάδα", "\u03b5\u03bb\u03bb\u03b1\u03b4\u03b1"],
  ["Greek final sigma", "ΟΔΟΣ", "\u03bf\u03b4\u03bf\u03c2"],
  ["Cyrillic", "Москва", "\u043c\u043e\u0441\u043a\u0432\u0430"],
  ["Cyrillic ё folds", "Ёлка", "\u0435\u043b\u043a\u0430"],
  [
    "Arabic keeps its letters",
    "الذكاء الاصطناعي",
    "\u0627\u0644\u0630\u0643\u0627\u0621-\u0627\u0644\u0627\u0635\u0637\u0646\u0627\u0639\u064a",
  ],
  ["Arabic marks are not folded", "عِلم", "\u0639\u0650\u0644\u0645"],
  ["Hebrew", "בינה מלאכותית", "\u05d1\u05d9\u05e0\u05d4-\u05de\u05dc\u05d0\u05db\u05d5\u05ea\u05d9\u05ea"],
  ["Chinese", "人工智能", "\u4eba\u5de5\u667a\u80fd"],
  ["Japanese voiced mark (composed)", "ガス", "\u30ac\u30b9"],
  ["Japanese unvoiced", "カス", "\u30ab\u30b9"],
  ["Japanese voiced mark (combining)", "\u30ab\u3099\u30b9", "\u30ac\u30b9"],
  ["half-width katakana", "\uff76\uff9e\uff7d", "\u30ac\u30b9"],
  ["Japanese long vowel mark ー", "ラーメン", "\u30e9\u30fc\u30e1\u30f3"],
  ["hiragana with handakuten", "ぱん", "\u3071\u3093"],
  ["Korean stays composed", "인공지능", "\uc778\uacf5\uc9c0\ub2a5"],
  ["Korean written as jamo", "\u1109\u1165\u110b\u116e\u11af", "\uc11c\uc6b8"],
  ["emoji are separators", "🚀 Launch day", "launch-day"],
  ["emoji with a variation selector", "I ❤️ NY", "i-ny"],
  ["keycap digit", "1\ufe0f\u20e3 one", "1-one"],
  ["full-width Latin", "ＡＩ", "ai"],
  ["ligature", "ﬁnance", "finance"],
  ["C++", "C++", "c-plus-plus"],
  ["C#", "C#", "c-sharp"],
  ["C", "C", "c"],
  ["F# and Notepad++", "F# / Notepad++", "f-sharp-notepad-plus-plus"],
  ["a leading hash is punctuation", "#MeToo", "metoo"],
  ["ampersand", "R&D", "r-d"],
  ["runs of punctuation", "  Health -- & -- Science!  ", "health-science"],
  ["digits", "Web 3.0", "web-3-0"],
];

describe("slugify", () => {
  it.each(CASES)("%s: %s → %s", (_what, label, slug) => {
    expect(slugify(label)).toBe(slug);
  });

  it("writes NFC and is a fixed point: every slug it writes is a slug", () => {
    for (const [, label] of CASES) {
      const slug = slugify(label);
      expect(slug.normalize("NFC")).toBe(slug);
      expect(isSlug(slug), label).toBe(true);
    }
  });

  it("keeps apart what the issue saw merged", () => {
    expect(new Set(["ガス", "カス"].map(slugify)).size).toBe(2);
    expect(new Set(["C++", "C#", "C"].map(slugify)).size).toBe(3);
  });

  it.each(["!!!", "—", "🚀", "❤️", "   ", "\u0301", "#"])("has no slug for %j", (label) => {
    expect(slugify(label)).toBe("");
  });
});

describe("isSlug", () => {
  it.each(["ai", "ai-in-healthcare", "\uc778\uacf5\uc9c0\ub2a5", "\u30e9\u30fc\u30e1\u30f3", "c-plus-plus", "web-3-0"])(
    "accepts %s",
    (value) => expect(isSlug(value)).toBe(true),
  );

  it.each([
    ["empty", ""],
    ["upper case", "AI"],
    ["an accent", "énergie"],
    ["a leading hyphen", "-ai"],
    ["two hyphens", "ai--ml"],
    ["a space", "ai ml"],
    ["a symbol", "c++"],
    ["decomposed Hangul", "\u1109\u1165\u110b\u116e\u11af"],
    ["a slash", "a/b"],
    ["too long", "a".repeat(SLUG_MAX + 1)],
  ])("refuses %s", (_what, value) => expect(isSlug(value)).toBe(false));
});
