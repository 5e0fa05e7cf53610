// Words for keyword feeds (`q=`, `exclude=`): one tokeniser for the build's index, for
// content:push's FTS5 rows and for the query, so that the three always agree.
// Case and Latin/Greek/Cyrillic accents are folded; scripts written without spaces
// (Han, Kana, Thai, Lao, Khmer, Myanmar) become overlapping character bigrams, which
// need no dictionary: Intl.Segmenter's would depend on the ICU data of Node at build
// time and of workerd at query time, and could split the same text two ways.

/** Tokens past this length are cut: a run of letters this long is no word anyone types. */
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

/** Case and accents folded, compatibility forms unified (ｆｕｌｌ → full, ß → ss). */
export function fold(text: string): string {
  return text.normalize("NFKD").replace(ACCENTS, "").normalize("NFC").toLowerCase().replace(/ß/g, "ss");
}

/** The bigrams of an unspaced run (a single character stands alone). */
function bigrams(run: string): string[] {
  const chars = [...run];
  if (chars.length < 2) return chars;
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(`${chars[i]}${chars[i + 1]}`);
  return out;
}

/**
 * The words of a text as a reader types them: each spaced word, and each unspaced run
 * as one word (`量子计算` is one word of the query `q=量子计算`).
 */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const match of fold(text).matchAll(RUNS)) out.push([...match[0]].slice(0, MAX_TOKEN).join(""));
  return out;
}

/** The index tokens one word stands for: itself, or its bigrams when it is unspaced. */
export function wordTokens(word: string): string[] {
  return new RegExp(`^[${UNSPACED}\\u30fc\\u3005]`, "u").test(word) ? bigrams(word) : [word];
}

/** Every distinct token of a text, sorted: what an article is indexed under. */
export function textTokens(text: string): string[] {
  return [...new Set(words(text).flatMap(wordTokens))].sort();
}

/** What an article's keywords are drawn from: what a reader sees of it in a feed. */
export const searchableText = (article: { title: string; summary?: string }) =>
  article.summary ? `${article.title}\n${article.summary}` : article.title;
