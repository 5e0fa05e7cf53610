// The bundled store's keyword index: for each token (src/content/tokens.ts), the positions
// of the articles holding it, in feed order. Built by `npm run build` beside the index, so
// a keyword view walks a few sorted lists (src/feed/walk.ts) instead of reading every article.
import { searchableText, textTokens, wordTokens } from "../content/tokens.js";

/** `[token, positions]` pairs, positions ascending: a list, since a token may be `__proto__`. */
export type Postings = [token: string, positions: number[]][];

/** The postings of articles in feed order (positions index that array). */
export function buildPostings(articles: readonly { title: string; summary?: string }[]): Postings {
  return postingsOf(articles.map((article) => textTokens(searchableText(article))));
}

/**
 * The postings of each article's tokens (textTokens), the articles in feed order. An
 * iterable, so that the build can hand over one article's tokens at a time.
 */
export function postingsOf(tokenLists: Iterable<readonly string[]>): Postings {
  const lists = new Map<string, number[]>();
  let position = 0;
  for (const tokens of tokenLists) {
    for (const token of tokens) {
      const list = lists.get(token);
      if (list) list.push(position);
      else lists.set(token, [position]);
    }
    position++;
  }
  return [...lists];
}

/** Looks up the posting lists of query words; a view walks them (src/feed/walk.ts). */
export class KeywordIndex {
  private readonly postings: Map<string, readonly number[]>;

  constructor(articles: readonly { title: string; summary?: string }[], postings: Postings = buildPostings(articles)) {
    this.postings = new Map(postings);
  }

  /**
   * The lists of every token of every word (an article holding all the words is in all of
   * them), or undefined when no article holds one of the tokens, or the words have none.
   */
  lists(words: readonly string[]): (readonly number[])[] | undefined {
    const tokens = [...new Set(words.flatMap(wordTokens))];
    const lists = tokens.map((token) => this.postings.get(token));
    if (lists.length === 0 || lists.some((list) => list === undefined)) return undefined;
    return lists as (readonly number[])[];
  }
}
