// How long text is shown in feeds: a record keeps what it says, readers get a headline
// that fits a list. Pure, build time only.

/** Titles longer than this are shortened in feeds (with a warning); the hard cap is LIMITS.title. */
export const TITLE_DISPLAY_MAX = 300;

const words = new Intl.Segmenter("und", { granularity: "word" });

/**
 * `text` cut at the last word boundary that leaves room for `…` within `max` characters,
 * so no word is split (scripts without spaces break where Intl.Segmenter finds a word
 * end); unchanged when it fits. A single word longer than `max` is cut between graphemes.
 */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = 0;
  for (const { index, segment } of words.segment(text)) {
    if (index + segment.length > max - 1) break;
    end = index + segment.length;
  }
  if (end === 0) end = graphemeEnd(text, max - 1);
  // "word, …" and "word – …" read as broken; "word…" does not.
  const kept = text.slice(0, end).replace(/[\s,;:\-–—、，]+$/u, "");
  return `${kept || text.slice(0, graphemeEnd(text, max - 1))}…`;
}

const graphemes = new Intl.Segmenter("und", { granularity: "grapheme" });

/** The end of the last whole grapheme within `max` characters. */
function graphemeEnd(text: string, max: number): number {
  let end = 0;
  for (const { index, segment } of graphemes.segment(text.slice(0, max + 16))) {
    if (index + segment.length > max) break;
    end = index + segment.length;
  }
  return end;
}
