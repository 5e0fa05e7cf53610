// The bundled store's keyword index: for each token (src/content/tokens.ts), the positions
// of the articles holding it, in feed order. Built by `npm run build` beside the index, so
// a keyword view intersects a few sorted lists instead of reading every article.
import type { Article } from "../content/article.js";
import { searchableText, textTokens, wordTokens } from "../content/tokens.js";

/** `[token, positions]` pairs, positions ascending: a list, since a token may be `__proto__`. */
export type Postings = [token: string, positions: number[]][];

/** The postings of articles in feed order (positions index that array). */
export function buildPostings(articles: readonly { title: string; summary?: string }[]): Postings {
  return postingsOf(articles.map((article) => textTokens(searchableText(article))));
}

/** The postings of each article's tokens (textTokens), the articles in feed order. */
export function postingsOf(tokenLists: readonly (readonly string[])[]): Postings {
  const lists = new Map<string, number[]>();
  tokenLists.forEach((tokens, position) => {
    for (const token of tokens) {
      const list = lists.get(token);
      if (list) list.push(position);
      else lists.set(token, [position]);
    }
  });
  return [...lists];
}

/** The first index in `list` at or after `from` whose value is at least `value` (galloping). */
function seek(list: readonly number[], value: number, from: number): number {
  let step = 1;
  let high = from;
  while (high < list.length && (list[high] as number) < value) {
    from = high + 1;
    high += step;
    step *= 2;
  }
  high = Math.min(high, list.length);
  while (from < high) {
    const mid = (from + high) >>> 1;
    if ((list[mid] as number) < value) from = mid + 1;
    else high = mid;
  }
  return from;
}

/** Positions in every list, ascending: the shortest list drives, the others are sought in. */
function intersect(lists: (readonly number[])[]): number[] {
  const [shortest, ...others] = [...lists].sort((a, b) => a.length - b.length);
  if (!shortest) return [];
  const at = others.map(() => 0);
  const out: number[] = [];
  outer: for (const value of shortest) {
    for (const [i, other] of others.entries()) {
      const found = seek(other, value, at[i] as number);
      at[i] = found;
      if (found === other.length) break outer;
      if (other[found] !== value) continue outer;
    }
    out.push(value);
  }
  return out;
}

export class KeywordIndex {
  private readonly postings: Map<string, readonly number[]>;

  constructor(
    private readonly articles: readonly Article[],
    postings: Postings = buildPostings(articles),
  ) {
    this.postings = new Map(postings);
  }

  /** Positions of the articles holding every token of every word. */
  private holdingAll(words: readonly string[]): readonly number[] {
    const lists = [...new Set(words.flatMap(wordTokens))].map((token) => this.postings.get(token));
    if (lists.some((list) => list === undefined)) return [];
    return lists.length === 1 ? (lists[0] as readonly number[]) : intersect(lists as number[][]);
  }

  /** The articles holding every word, in feed order: a view's list, like a topic's. */
  matching(words: readonly string[]): Article[] {
    return this.holdingAll(words).map((position) => this.articles[position] as Article);
  }

  /** The articles holding at least one of the words (each word whole). */
  holdingAny(words: readonly string[]): Set<Article> {
    const out = new Set<Article>();
    for (const word of words) {
      for (const position of this.holdingAll([word])) out.add(this.articles[position] as Article);
    }
    return out;
  }
}
