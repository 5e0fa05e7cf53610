// The derived excerpt: plain text from a Markdown body, cut at a sentence, else a word.
import { describe, expect, it } from "vitest";
import { EXCERPT_LENGTH, excerptOf } from "./excerpt.js";
import { markdownText } from "./markdown.js";

const sentence = (n: number) => `Sentence number ${n} says something about the news of the day.`;

describe("excerptOf", () => {
  it("keeps a short text whole, whitespace runs as one space", () => {
    expect(excerptOf("  One line.\n\n  And   another.  ")).toBe("One line. And another.");
  });

  it("has nothing to say for empty text", () => {
    expect(excerptOf(" \n\t ")).toBeUndefined();
  });

  it("cuts a long text after the last whole sentence that fits", () => {
    const text = Array.from({ length: 10 }, (_, i) => sentence(i + 1)).join(" ");
    const excerpt = excerptOf(text) as string;
    expect(excerpt.length).toBeLessThanOrEqual(EXCERPT_LENGTH);
    expect(excerpt).toMatch(/day\.$/);
    expect(text.startsWith(excerpt)).toBe(true);
    // As many sentences as fit: one more would not.
    const count = excerpt.split(". ").length;
    expect(Array.from({ length: count + 1 }, (_, i) => sentence(i + 1)).join(" ").length).toBeGreaterThan(
      EXCERPT_LENGTH,
    );
  });

  it("cuts one long sentence at a word boundary, with an ellipsis", () => {
    const text = `${"word ".repeat(100)}end.`;
    const excerpt = excerptOf(text) as string;
    expect(excerpt.length).toBeLessThanOrEqual(EXCERPT_LENGTH);
    expect(excerpt).toMatch(/^(word )+word…$/);
  });

  it("prefers words to a first sentence too short to say anything", () => {
    const text = `Dr. ${"Smith went home and wrote a very long report ".repeat(10)}`;
    const excerpt = excerptOf(text) as string;
    expect(excerpt.length).toBeGreaterThan(200);
    expect(excerpt.endsWith("…")).toBe(true);
  });

  it("drops punctuation dangling before the ellipsis", () => {
    const text = `${"alpha, ".repeat(60)}`;
    expect(excerptOf(text)).toMatch(/alpha…$/);
  });

  it("cuts a text without spaces between whole graphemes, never inside a surrogate pair", () => {
    const text = "😀".repeat(400);
    const excerpt = excerptOf(text) as string;
    expect(excerpt.length).toBeLessThanOrEqual(EXCERPT_LENGTH);
    expect(excerpt).toBe(`${"😀".repeat((EXCERPT_LENGTH - 1) / 2)}…`);
    expect(excerpt).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it("cuts Japanese at a sentence end (。)", () => {
    const text = "今日は晴れです。".repeat(60);
    const excerpt = excerptOf(text) as string;
    expect(excerpt.length).toBeLessThanOrEqual(EXCERPT_LENGTH);
    expect(excerpt.endsWith("。")).toBe(true);
  });

  it("respects a smaller limit", () => {
    expect(excerptOf("one two three four five", 12)).toBe("one two…");
  });
});

describe("markdownText", () => {
  it.each([
    ["A *bold* claim with `code` and [a link](https://example.com/).", "A bold claim with code and a link."],
    ["Fish &amp; chips &lt;3 &#x41;", "Fish & chips <3 A"],
    ["## Heading\n\nThe paragraph.", "The paragraph."],
    ["## Only a heading", "Only a heading"],
    ["- first item\n- second item", "first item second item"],
    ["> quoted\n> text", "quoted text"],
    ["```\nconst code = 1;\n```\n\nProse.", "Prose."],
    ["![a chart of sales](https://img.example/c.png)", "a chart of sales"],
    ["line one\nline two", "line one line two"],
  ])("%j is %j", (body, text) => {
    expect(markdownText(body)).toBe(text);
  });
});
