// What a push writes: the diff between the compiled articles and the hashes the database
// holds, cut into atomic batches of statements. Pure; the executors only run what it returns.
import type { Article } from "../../src/content/article.js";
import { type Change, deleteArticles, replaceTerms, setVersion, startPush, upsertArticles } from "./rows.js";
import { type Statement, sha256 } from "./sql.js";

/** D1's limit on a row (and a string); a bigger article could never be written. */
export const MAX_ROW_BYTES = 2_000_000;

export interface Diff {
  /** New or changed articles, newest first. */
  writes: Change[];
  /** Ids the database holds that are no longer compiled (removed, or now a draft). */
  deletes: string[];
  unchanged: number;
}

export interface Batch {
  statements: Statement[];
  /** Articles written or deleted by this batch. */
  rows: number;
}

export interface BatchLimits {
  rows: number;
  /** An upper bound of a batch's SQL once inlined: a file wrangler uploads, or one db.batch(). */
  bytes: number;
}

export function diff(articles: readonly Article[], stored: ReadonlyMap<string, string>): Diff {
  const writes: Change[] = [];
  let unchanged = 0;
  for (const article of articles) {
    const data = JSON.stringify(article);
    const hash = sha256(data);
    const old = stored.get(article.id);
    if (old === hash) unchanged++;
    else writes.push({ article, data, hash, added: old === undefined });
  }
  const compiled = new Set(articles.map((article) => article.id));
  const deletes = [...stored.keys()].filter((id) => !compiled.has(id)).sort();
  return { writes, deletes, unchanged };
}

/** Articles whose compiled JSON is over D1's row limit: refused before anything is written. */
export function oversized(articles: readonly Article[]): { id: string; bytes: number }[] {
  return articles
    .map((article) => ({ id: article.id, bytes: Buffer.byteLength(JSON.stringify(article)) }))
    .filter(({ bytes }) => bytes > MAX_ROW_BYTES - 10_000);
}

type Unit = { change: Change } | { id: string };

/** Hex-inlined data, plus room for the columns and topics. */
const unitBytes = (unit: Unit) => ("change" in unit ? 2 * Buffer.byteLength(unit.change.data) + 4_000 : 200);

/** Consecutive units, at most `limits.rows` and about `limits.bytes` a group (one unit at least). */
function* groups(units: readonly Unit[], limits: BatchLimits): Generator<Unit[]> {
  let group: Unit[] = [];
  let bytes = 0;
  for (const unit of units) {
    const size = unitBytes(unit);
    if (group.length > 0 && (group.length >= limits.rows || bytes + size > limits.bytes)) {
      yield group;
      group = [];
      bytes = 0;
    }
    group.push(unit);
    bytes += size;
  }
  if (group.length > 0) yield group;
}

/** Every write and delete of the diff, grouped into batches within the limits. */
export function* batches({ writes, deletes }: Diff, limits: BatchLimits): Generator<Batch> {
  const units: Unit[] = [...writes.map((change) => ({ change })), ...deletes.map((id) => ({ id }))];
  for (const group of groups(units, limits)) {
    const changes = group.flatMap((unit) => ("change" in unit ? [unit.change] : []));
    const ids = group.flatMap((unit) => ("id" in unit ? [unit.id] : []));
    yield { statements: [...upsertArticles(changes), ...deleteArticles(ids)], rows: group.length };
  }
}

/**
 * The last batch: every term's label recomputed, then the content version. Run only
 * after every row is in, so a reader never sees a version whose rows are not all there.
 */
export function finish(articles: readonly Article[], version: string): Statement[] {
  return [...replaceTerms(articles), ...setVersion(version)];
}

/** The first batch of a push: what marks the views its rows change (see startPush). */
export const start = (pushMs: number): Statement[] => startPush(pushMs);
