// The bundled index's keyword postings (src/feed/search.ts reads them), gathered while the
// build's records arrive: from the cache in file order, from the worker threads in any
// order. Each list is kept by the records' slots (their place in the folder's file order)
// and put in feed order once the articles are sorted. A large build used to split every
// article's tokens and fill the lists only after the sort, on its one thread, after the
// workers were done; now the filling happens while this thread waits for them.

/** JSON text gathered before it is turned into bytes. */
const PIECE_CHARS = 1 << 20;

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

  /**
   * The JSON of postingsOf over the articles in feed order (`slots[p]` is the slot of the
   * article at position p), byte for byte: lists ordered by the first article holding
   * their token, and within one article by the token (its tokens are sorted), as postingsOf
   * meets them; each list's positions ascending.
   */
  json(slots: readonly number[]): Uint8Array[] {
    let end = 0;
    for (const slot of slots) end = Math.max(end, slot + 1);
    const position = new Int32Array(end);
    for (let p = 0; p < slots.length; p++) position[slots[p] as number] = p;
    // Tokens by the position of their first article.
    const firsts: [token: string, positions: Int32Array][][] = Array.from({ length: slots.length }, () => []);
    for (const [token, list] of this.lists) {
      // A loop, not Int32Array.from with a mapping function: that was most of the cost.
      const positions = new Int32Array(list.length);
      for (let i = 0; i < list.length; i++) positions[i] = position[list[i] as number] as number;
      positions.sort();
      firsts[positions[0] as number]?.push([token, positions]);
    }
    const parts: Uint8Array[] = [];
    let text = "[";
    let first = true;
    for (const bucket of firsts) {
      bucket.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      for (const [token, positions] of bucket) {
        text += `${first ? "" : ","}[${JSON.stringify(token)},[${positions.join(",")}]]`;
        first = false;
        if (text.length >= PIECE_CHARS) {
          parts.push(Buffer.from(text));
          text = "";
        }
      }
    }
    parts.push(Buffer.from(`${text}]`));
    return parts;
  }
}
