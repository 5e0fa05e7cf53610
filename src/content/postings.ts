// The bundled index's keyword postings (src/feed/search.ts reads them), gathered while the
// build's records arrive: from the cache in file order, from the worker threads in any
// order. Each list is kept by the records' slots (their place in the folder's file order)
// and put in feed order once the articles are sorted. A rebuild patches the last build's
// lists instead (patchPostings): only the articles that changed are read for their tokens.

/** JSON text gathered before it is turned into bytes. */
const PIECE_CHARS = 1 << 20;

/**
 * Postings as postingsOf orders them: entries by the position of the first article holding
 * their token, then (within one article) by the token; each list's positions ascending.
 */
export interface PostingLists {
  tokens: string[];
  /** Entry e's positions are positions[starts[e]] up to positions[starts[e + 1]]. */
  starts: Int32Array;
  positions: Int32Array;
}

const byToken = ([a]: [string, Int32Array], [b]: [string, Int32Array]) => (a < b ? -1 : a > b ? 1 : 0);

/** Lists from (token, ascending positions) pairs in any order, for articles at positions below `count`. */
function ordered(pairs: readonly [string, Int32Array][], count: number): PostingLists {
  const firsts: [string, Int32Array][][] = Array.from({ length: count }, () => []);
  let total = 0;
  for (const pair of pairs) {
    firsts[pair[1][0] as number]?.push(pair);
    total += pair[1].length;
  }
  const tokens: string[] = [];
  const starts = new Int32Array(pairs.length + 1);
  const positions = new Int32Array(total);
  let at = 0;
  for (const bucket of firsts) {
    if (bucket.length > 1) bucket.sort(byToken);
    for (const [token, list] of bucket) {
      starts[tokens.length] = at;
      tokens.push(token);
      positions.set(list, at);
      at += list.length;
    }
  }
  starts[tokens.length] = at;
  return { tokens, starts, positions };
}

/** The JSON of postingsOf's pairs, in pieces: `[["token",[0,3]],…]`. */
export function postingsJson({ tokens, starts, positions }: PostingLists): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let text = "[";
  for (let e = 0; e < tokens.length; e++) {
    text += `${e === 0 ? "" : ","}[${JSON.stringify(tokens[e])},[${positions.subarray(starts[e], starts[e + 1]).join(",")}]]`;
    if (text.length >= PIECE_CHARS) {
      parts.push(Buffer.from(text));
      text = "";
    }
  }
  parts.push(Buffer.from(`${text}]`));
  return parts;
}

/** Whether two sets of lists are the same. */
export function sameLists(a: PostingLists, b: PostingLists): boolean {
  if (a.tokens.length !== b.tokens.length || a.positions.length !== b.positions.length) return false;
  for (let e = 0; e < a.tokens.length; e++) if (a.tokens[e] !== b.tokens[e]) return false;
  const equal = (x: Int32Array, y: Int32Array) =>
    Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(Buffer.from(y.buffer, y.byteOffset, y.byteLength));
  return equal(a.starts, b.starts) && equal(a.positions, b.positions);
}

export class PostingsBuilder {
  private readonly lists = new Map<string, number[]>();

  /** An article's tokens (joined by spaces, each once), at its slot. */
  add(slot: number, tokens: string): void {
    if (tokens === "") return;
    for (const token of tokens.split(" ")) {
      const list = this.lists.get(token);
      if (list) list.push(slot);
      else this.lists.set(token, [slot]);
    }
  }

  /** The lists over the articles in feed order (`slots[p]` is the slot of the article at position p). */
  inFeedOrder(slots: readonly number[]): PostingLists {
    let end = 0;
    for (const slot of slots) end = Math.max(end, slot + 1);
    const position = new Int32Array(end);
    for (let p = 0; p < slots.length; p++) position[slots[p] as number] = p;
    const pairs: [string, Int32Array][] = [];
    for (const [token, list] of this.lists) {
      // A loop, not Int32Array.from with a mapping function: that was most of the cost.
      const positions = new Int32Array(list.length);
      for (let i = 0; i < list.length; i++) positions[i] = position[list[i] as number] as number;
      pairs.push([token, positions.sort()]);
    }
    return ordered(pairs, slots.length);
  }
}

/**
 * The last build's lists brought to this one's articles: `moved[o]` is the position now of
 * the article that was at o, or -1 for one gone or changed; `added` holds the tokens of the
 * articles changed or new, each with their positions now (ascending). `count` articles in all.
 */
export function patchPostings(
  old: PostingLists,
  moved: Int32Array,
  added: ReadonlyMap<string, readonly number[]>,
  count: number,
): PostingLists {
  // Whether every article kept is where it was (an edit that moved none: the usual one),
  // and whether those kept are at least in the order they were (a mapped list stays sorted).
  let inPlace = moved.length === count;
  let inOrder = true;
  for (let o = 0, last = -1; o < moved.length; o++) {
    const p = moved[o] as number;
    if (p < 0) continue;
    if (p !== o) inPlace = false;
    if (p < last) inOrder = false;
    last = p;
  }
  if (inPlace) return patchInPlace(old, moved, added);
  const pairs: [string, Int32Array][] = [];
  const { tokens } = old;
  for (let e = 0; e < tokens.length; e++) {
    const pair = remapped(old, e, moved, added.get(tokens[e] as string), !inOrder);
    if (pair) pairs.push(pair);
  }
  const known = new Set(tokens);
  for (const [token, list] of added) if (!known.has(token)) pairs.push([token, Int32Array.from(list)]);
  return ordered(pairs, count);
}

/** Entry e of `old` with its positions moved, `more` added; undefined when none is left. */
function remapped(
  { tokens, starts, positions }: PostingLists,
  e: number,
  moved: Int32Array,
  more: readonly number[] | undefined,
  unsorted: boolean,
): [string, Int32Array] | undefined {
  const list: number[] = [];
  for (let i = starts[e] as number; i < (starts[e + 1] as number); i++) {
    const p = moved[positions[i] as number] as number;
    if (p >= 0) list.push(p);
  }
  if (more) list.push(...more);
  if (list.length === 0) return undefined;
  const sorted = Int32Array.from(list);
  return [tokens[e] as string, more || unsorted ? sorted.sort() : sorted];
}

const before = ([token, list]: [string, Int32Array], first: number, other: string) =>
  (list[0] as number) < first || ((list[0] as number) === first && token < other);

/**
 * patchPostings when every article kept is where it was: only the entries that hold a
 * changed article, or one of its tokens now, are made again; the rest are copied, and the
 * ones made again merged in at their places.
 */
function patchInPlace(
  old: PostingLists,
  moved: Int32Array,
  added: ReadonlyMap<string, readonly number[]>,
): PostingLists {
  const { tokens, starts, positions } = old;
  const touched = new Uint8Array(tokens.length);
  const remade: [string, Int32Array][] = [];
  for (let e = 0; e < tokens.length; e++) {
    let hit = added.has(tokens[e] as string);
    for (let i = starts[e] as number; !hit && i < (starts[e + 1] as number); i++)
      hit = (moved[positions[i] as number] as number) < 0;
    if (!hit) continue;
    touched[e] = 1;
    const pair = remapped(old, e, moved, added.get(tokens[e] as string), false);
    if (pair) remade.push(pair);
  }
  const known = new Set(tokens);
  for (const [token, list] of added) if (!known.has(token)) remade.push([token, Int32Array.from(list)]);
  remade.sort((a, b) => (a[1][0] as number) - (b[1][0] as number) || byToken(a, b));

  let total = 0;
  for (let e = 0; e < tokens.length; e++) if (!touched[e]) total += (starts[e + 1] as number) - (starts[e] as number);
  for (const [, list] of remade) total += list.length;
  const out: PostingLists = {
    tokens: [],
    starts: new Int32Array(tokens.length - touched.reduce((a, b) => a + b, 0) + remade.length + 1),
    positions: new Int32Array(total),
  };
  let at = 0;
  const emit = (token: string, list: Int32Array) => {
    out.starts[out.tokens.length] = at;
    out.tokens.push(token);
    out.positions.set(list, at);
    at += list.length;
  };
  let r = 0;
  for (let e = 0; e < tokens.length; e++) {
    if (touched[e]) continue;
    const token = tokens[e] as string;
    const list = positions.subarray(starts[e], starts[e + 1]);
    while (r < remade.length && before(remade[r] as [string, Int32Array], list[0] as number, token))
      emit(...(remade[r++] as [string, Int32Array]));
    emit(token, list);
  }
  while (r < remade.length) emit(...(remade[r++] as [string, Int32Array]));
  out.starts[out.tokens.length] = at;
  return out;
}
