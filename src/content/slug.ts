// The one slug grammar: how a topic, provider or category label becomes its URL segment,
// and what a slug in a request may be. The build, the query schema and problem documents use it.

/**
 * The longest slug: a label is at most 200 characters, and spelling `+` as `plus` or
 * folding `ß` to `ss` can lengthen it a few times over.
 */
export const SLUG_MAX = 1_000;

/**
 * Marks dropped after letters of the scripts whose URLs conventionally go without them
 * (`Ελλάδα` → `ελλαδα`, `Ёж` → `еж`), and after digits and symbols (`1️⃣` → `1`).
 */
const FOLDED_BASE_MARKS = /([\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{Script=Common}])\p{M}+/gu;

/** Latin letters that carry their accent in the letter itself, so decomposition cannot fold them. */
const LATIN_LETTERS: Record<string, string> = { ß: "ss", ı: "i", ø: "o", đ: "d", ł: "l", æ: "ae", œ: "oe", þ: "th" };
const UNFOLDED_LATIN = new RegExp(`[${Object.keys(LATIN_LETTERS).join("")}]`, "g");

/**
 * `+` and `#` after a letter or digit are words (`C++` → `c-plus-plus`, `C#` → `c-sharp`),
 * so C++, C# and C are three topics; elsewhere (`#MeToo`, `+ more`) they are punctuation.
 * Spelled out rather than kept: `+` in a query string means a space and `#` ends a URL.
 */
const SYMBOL_WORDS = /(?<=[\p{L}\p{N}\p{M}][+#]*)[+#]/gu;

/**
 * A label's slug; empty when the label has no letter or digit (`!!!`, `—`, `🚀`), which the
 * record schema refuses. Compatibility forms fold (`ＡＩ` → `ai`, `ｶﾞｽ` → `ガス`), marks
 * are dropped only from Latin, Greek and Cyrillic letters, then the text is lower-cased,
 * runs of anything but letters, digits and marks become one `-`, and the result is NFC:
 * Hangul stays composed (`인공지능`) and Japanese keeps its voiced marks (`ガス` ≠ `カス`).
 * Written by hand: slug libraries transliterate per locale, which would make a topic's
 * slug depend on a library's tables rather than on the label alone.
 */
export function slugify(label: string): string {
  return (
    label
      .normalize("NFKD")
      .replace(SYMBOL_WORDS, (symbol) => (symbol === "+" ? "-plus-" : "-sharp-"))
      .replace(FOLDED_BASE_MARKS, "$1")
      .toLowerCase()
      .replace(UNFOLDED_LATIN, (letter) => LATIN_LETTERS[letter] ?? letter)
      // A mark after a separator has nothing to sit on (a variation selector after an emoji).
      .replace(/(?:[^\p{L}\p{N}\p{M}]\p{M}*)+/gu, "-")
      .replace(/^[-\p{M}]+|-+$/gu, "")
      .normalize("NFC")
  );
}

/** A slug as the service writes it: what some label slugifies to, unchanged by slugifying again. */
export function isSlug(value: string): boolean {
  return value !== "" && value.length <= SLUG_MAX && slugify(value) === value;
}
