// The folder-wide steps of a build: the term clashes across records, and the keyword
// postings of the articles in feed order. A rebuild patches what the last build kept
// (FolderSteps) with the articles that are new, changed or gone, known by id and by the
// digest of their facets (their tokens and terms): an edit that changes a title's words
// reads that one article's tokens, not 10,000, and a body edit reads none. The patch is
// exact from any earlier state, so the state kept need not be the last build's.
import { postingsChunkName } from "./index-files.js";
import { type PostingLists, patchPostings, postingsJson, sameLists } from "./postings.js";
import type { Problem } from "./problems.js";
import type { FolderSteps } from "./record-cache.js";
import { agreeWith, type TermLabels, type Terms, termClashes } from "./terms.js";

/** An article as the steps read it; `terms` and `tokens` are decoded only when needed. */
export interface StepArticle {
  id: string;
  file: string;
  /** The digest of its facets (facetsDigest). */
  facets: string;
  terms: () => Terms;
  /** Its keyword tokens, joined by spaces. */
  tokens: () => string;
}

/** The postings for the index: their JSON, and the name of the chunk that holds it (postingsChunkName). */
export interface PostingsOutput {
  name: string;
  json: () => Uint8Array[];
}

export interface StepResults {
  clashes: Problem[];
  postings: PostingsOutput;
  /** What to keep for the next build; undefined when what is kept holds. */
  keep: () => FolderSteps | undefined;
}

/**
 * The steps over `byFile` (the articles in file order) and `byFeed` (the same, in feed
 * order), from `kept` where it holds, else from every article; `fresh` makes the postings
 * from every article (a build with nothing cached gathers them as records arrive).
 */
export function folderSteps(
  kept: FolderSteps | undefined,
  byFile: readonly StepArticle[],
  byFeed: readonly StepArticle[],
  fresh: () => PostingLists,
): StepResults {
  const patched = kept && patch(kept, byFeed);
  let labels = patched?.labels;
  let clashes: Problem[] = [];
  if (!labels) {
    labels = new Map();
    clashes = termClashes(
      byFile.map(({ file, terms }) => ({ file, terms: terms() })),
      labels,
    );
  }
  const lists = patched?.lists ?? fresh();
  const unchanged = kept !== undefined && (patched?.lists === kept.lists || sameLists(lists, kept.lists));
  let json: Uint8Array[] | undefined;
  const postingsJsonOnce = () => {
    json ??= postingsJson(lists);
    return json;
  };
  // The same lists, the same chunk: its name is kept, and its JSON made only if it is missing.
  const postingsName = unchanged ? kept.postingsName : postingsChunkName(postingsJsonOnce());
  const sameArticles =
    unchanged &&
    kept.ids.length === byFeed.length &&
    byFeed.every((article, p) => article.id === kept.ids[p] && article.facets === kept.facets[p]);
  const known = labels;
  return {
    clashes,
    postings: { name: postingsName, json: postingsJsonOnce },
    keep: () => {
      if (clashes.length > 0 || sameArticles) return undefined;
      return {
        ids: byFeed.map(({ id }) => id),
        facets: byFeed.map(({ facets }) => facets),
        labels: [...known],
        lists,
        postingsName,
      };
    },
  };
}

/**
 * The kept steps brought to `byFeed`: the postings patched, and the terms' labels if the
 * articles new or changed agree with them (no clash is possible then); no labels means
 * every article's terms must be checked again.
 */
function patch(kept: FolderSteps, byFeed: readonly StepArticle[]): { lists: PostingLists; labels?: TermLabels } {
  const was = new Map<string, number>();
  kept.ids.forEach((id, o) => {
    was.set(id, o);
  });
  const moved = new Int32Array(kept.ids.length).fill(-1);
  const changed: StepArticle[] = [];
  const added = new Map<string, number[]>();
  byFeed.forEach((article, p) => {
    const o = was.get(article.id);
    if (o !== undefined && kept.facets[o] === article.facets && moved[o] === -1) {
      moved[o] = p;
      return;
    }
    changed.push(article);
    const tokens = article.tokens();
    if (tokens === "") return;
    for (const token of tokens.split(" ")) {
      const list = added.get(token);
      if (list) list.push(p);
      else added.set(token, [p]);
    }
  });
  const labels: TermLabels = new Map(kept.labels);
  const agree = agreeWith(
    labels,
    changed.map((article) => article.terms()),
  );
  // Nothing changed, nothing moved: the kept lists as they are.
  const still = changed.length === 0 && moved.length === byFeed.length && moved.every((p, o) => p === o);
  return {
    lists: still ? kept.lists : patchPostings(kept.lists, moved, added, byFeed.length),
    labels: agree ? labels : undefined,
  };
}
