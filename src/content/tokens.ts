// Words for keyword feeds (`q=`, `exclude=`): one tokeniser for the build's index, for
// content:push's FTS5 rows and for the query, so that the three always agree.
// Case and Latin/Greek/Cyrillic accents are folded; scripts written without spaces
// (Han, Kana, Thai, Lao, Khmer, Myanmar) become overlapping character bigrams, which
// need no dictionary: Intl.Segmenter's would depend on the ICU data of Node at build
// time and of workerd at query time, and could split the same text two ways.

/** Spaced words past this length are cut: a run of letters this long is no word anyone types. */
const MAX_TOKEN = 64;

/** Combining accents (Latin, Greek, Cyrillic), removed after NFKD: é → e, ö → o. */
const ACCENTS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;

const UNSPACED = "\\p{sc=Han}\\p{sc=Hiragana}\\p{sc=Katakana}\\p{sc=Thai}\\p{sc=Lao}\\p{sc=Khmer}\\p{sc=Myanmar}";

/**
 * A run of an unspaced script (with its marks), or a run of any other letters, numbers
 * and marks. The long sound mark ー and the iteration marks belong to the Kana runs.
 */
const RUNS = new RegExp(
  `([${UNSPACED}\\u30fc\\u3005][${UNSPACED}\\u30fc\\u3005\\p{M}]*)|((?:(?![${UNSPACED}])[\\p{L}\\p{N}\\p{M}])+)`,
  "gu",
);

const NON_ASCII = /[^\p{ASCII}]/u;

/** Case and accents folded, compatibility forms unified (ｆｕｌｌ → full, ß → ss). */
export function fold(text: string): string {
  return text.normalize("NFKD").replace(ACCENTS, "").normalize("NFC").toLowerCase().replace(/ß/g, "ss");
}

const STARTS_UNSPACED = new RegExp(`^[${UNSPACED}\\u30fc\\u3005]`, "u");

/** Whether a word is an unspaced run. Every such script lies at U+0E00 (Thai) or later: most words skip the test. */
const startsUnspaced = (word: string) => word.charCodeAt(0) >= 0x0e00 && STARTS_UNSPACED.test(word);

/** The bigrams of an unspaced run (a single character stands alone). */
function bigrams(chars: readonly string[]): string[] {
  if (chars.length < 2) return [...chars];
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(`${chars[i]}${chars[i + 1]}`);
  return out;
}

/**
 * The words of a text as a reader types them: each spaced word, and each unspaced run
 * as one word (`量子计算` is one word of the query `q=量子计算`).
 */
export function words(text: string): string[] {
  // ASCII folds to lower case and splits on anything but letters and digits: the same
  // words the general path gives, at a fraction of its cost (most titles are ASCII).
  if (!NON_ASCII.test(text)) return (text.toLowerCase().match(/[a-z0-9]+/g) ?? []).map(capped);
  return (fold(text).match(RUNS) ?? []).map(capped);
}

/**
 * A spaced word cut to MAX_TOKEN characters; an unspaced run whole (its bigrams are short).
 * A word of at most MAX_TOKEN code units has at most that many characters: kept as it is.
 */
const capped = (word: string) =>
  word.length <= MAX_TOKEN || startsUnspaced(word) ? word : [...word].slice(0, MAX_TOKEN).join("");

/** The tokens a query word asks for: itself, or its bigrams when it is unspaced. */
export function wordTokens(word: string): string[] {
  return startsUnspaced(word) ? bigrams([...word]) : [word];
}

/**
 * Every distinct token of a text, sorted: what an article is indexed under. Unspaced runs
 * give their single characters too, so that a one-character query word finds them.
 */
export function textTokens(text: string): string[] {
  const tokens = new Set<string>();
  for (const word of words(text)) {
    if (!startsUnspaced(word)) {
      tokens.add(word);
      continue;
    }
    const chars = [...word];
    if (chars.length > 1) for (const bigram of bigrams(chars)) tokens.add(bigram);
    for (const char of chars) tokens.add(char);
  }
  return [...tokens].sort();
}

/** What an article's keywords are drawn from: what a reader sees of it in a feed. */
export const searchableText = (article: { title: string; summary?: string }) =>
  article.summary ? `${article.title}\n${article.summary}` : article.title;
