// The excerpt derived from a body when a record has none: plain text, cut at a sentence
// boundary, else a word boundary with an ellipsis. Build time only (Intl.Segmenter, ICU).

/** The longest derived excerpt, in UTF-16 code units (the ellipsis included). Documented in docs/feeds.md. */
export const EXCERPT_LENGTH = 300;

/** Whole sentences are kept only when they make at least this much; fewer, and words fill the excerpt. */
const MIN_SENTENCES_LENGTH = 100;

const ELLIPSIS = "…";

const sentences = new Intl.Segmenter("und", { granularity: "sentence" });
const words = new Intl.Segmenter("und", { granularity: "word" });
const graphemes = new Intl.Segmenter("und", { granularity: "grapheme" });

/** The longest run of segments from the start whose length is at most `max`. */
function prefixOf(segmenter: Intl.Segmenter, text: string, max: number): string {
  let end = 0;
  for (const { segment, index } of segmenter.segment(text)) {
    if (index + segment.length > max) break;
    end = index + segment.length;
  }
  return text.slice(0, end);
}

/**
 * `text` (already plain: no markup) as an excerpt of at most `max` characters: all of it
 * when it fits; else whole sentences; else whole words (a long word, or a script without
 * spaces, by grapheme) followed by an ellipsis. Whitespace runs become one space.
 */
export function excerptOf(text: string, max = EXCERPT_LENGTH): string | undefined {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat === "") return undefined;
  if (flat.length <= max) return flat;
  // Only the start matters; segmenting a 200,000-character sentence to its end took a second.
  // The slack lets the sentence rules see past a full stop near the limit.
  const head = flat.slice(0, max + 100);
  const whole = prefixOf(sentences, head, max).trim();
  if (whole.length >= Math.min(MIN_SENTENCES_LENGTH, max)) return whole;
  const room = max - ELLIPSIS.length;
  const cut = prefixOf(words, head, room).trim() || prefixOf(graphemes, head, room);
  // Punctuation left dangling before the ellipsis (`word,…`) reads as a typo.
  return `${cut.replace(/[\s,;:–—-]+$/u, "")}${ELLIPSIS}`;
}
