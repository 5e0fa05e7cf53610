// The build's cache of compiled records: one file per content folder, under the project's
// cache folder (.cache/build by default). An entry is found by the record's file name and
// the hash of its bytes; the whole file belongs to one compiler (the fingerprint of the
// code that compiles a record and the libraries it uses). The file is a run of segments,
// each with its own header and the SHA-256 of its payload: a build appends one with what
// it compiled (and the names of records gone), so that one edit does not rewrite every
// record's JSON; a later segment's entry replaces an earlier one's. When the file holds
// as many dead entries as live ones it is rewritten whole. A file that is missing,
// truncated, corrupt or from another compiler is ignored and rebuilt, never trusted.
import { createHash, hash } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  type Stats,
  statSync,
} from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Problem } from "./problems.js";
import type { Terms } from "./terms.js";
import { appendParts, partsLength, writeAtomically } from "./write-file.js";

/** Changes whenever the layout below changes (the fingerprint covers this file too). */
const FORMAT = "feed-service compiled records 4";

/** A problem or warning as stored: its file is the record's, put back when read. */
type StoredProblem = Omit<Problem, "file">;

/** What lstat says of a record file: size, mtimeMs, ctimeMs, ino, dev. */
export type FileStamp = [number, number, number, number, number];

export const stampOf = (stats: Stats): FileStamp => [stats.size, stats.mtimeMs, stats.ctimeMs, stats.ino, stats.dev];

/**
 * A file whose status changed this close to the moment its entry was written is read again
 * next time: a change in the same clock tick as the read would leave its stamp as it was.
 */
const RACY_MS = 2_000;

/** One record as the cache holds it; `json` is the article's JSON, from `offset` in the blob. */
interface StoredEntry {
  name: string;
  hash: string;
  /** The file's stamp when its bytes were hashed. */
  stamp?: FileStamp;
  kind: "article" | "draft" | "failed";
  warnings: StoredProblem[];
  problems?: StoredProblem[];
  publishedMs?: number;
  /** The keyword tokens, joined by spaces (a token never holds one). */
  tokens?: string;
  /** The SHA-256 of the article's JSON (base64url). */
  digest?: string;
  terms?: Terms;
  offset?: number;
  length?: number;
}

/** A record read from the cache or just compiled: what the folder-wide steps need of it. */
export type CachedRecord =
  | { kind: "failed"; problems: Problem[]; warnings: Problem[] }
  | { kind: "draft"; warnings: Problem[] }
  | {
      kind: "article";
      warnings: Problem[];
      /** The article's JSON, exactly as the index holds it. */
      json: string | Uint8Array;
      /** The SHA-256 of `json` (base64url): the content version is a hash of these. */
      digest: string;
      publishedMs: number;
      /** The keyword tokens, joined by spaces (a token never holds one): one string a record, not tens. */
      tokens: string;
      terms: Terms;
    };

/** The hash that finds a record's entry: of its bytes only (its name is the entry's key). */
export const contentHash = (bytes: Uint8Array): string => hash("sha256", bytes, "base64url");

/** A cache file is kept for this long after its folder was last built; older ones are removed. */
const KEEP_MS = 14 * 24 * 3600 * 1000;

/**
 * The files a TypeScript module imports by a relative path: static imports, re-exports and
 * dynamic imports. A regular expression suffices: the compiler's modules are this project's own.
 */
function relativeImports(file: string, source: string): string[] {
  const found: string[] = [];
  const pattern =
    /^[ \t]*(?:import|export)\b[^;]*?\bfrom\s*["'](\.{1,2}\/[^"']+)["']|\bimport\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/gm;
  for (const match of source.matchAll(pattern)) {
    const target = path.resolve(path.dirname(file), (match[1] ?? match[2]) as string);
    found.push(target.endsWith(".js") ? `${target.slice(0, -3)}.ts` : target);
  }
  return found;
}

/**
 * The fingerprint of the compiler: every module reachable from src/content/compile.ts
 * (the schema, normaliser, Markdown settings, this cache's own layout), the installed
 * library versions (npm's record of node_modules, else the lock file) and Node's version
 * with its ICU and Unicode data (slugs and excerpts depend on them). Any change in any
 * of these invalidates every entry.
 */
export function compilerFingerprint(root: string): string {
  const fingerprint = createHash("sha256").update(FORMAT);
  const { node, icu, unicode } = process.versions;
  fingerprint.update(JSON.stringify({ node, icu, unicode }));
  for (const [file, source] of compilerSources(root)) fingerprint.update(`\0${file}\0${source}`);
  const installed = path.join(root, "node_modules/.package-lock.json");
  const libraries = existsSync(installed) ? installed : path.join(root, "package-lock.json");
  fingerprint.update("\0libraries\0").update(readFileSync(libraries));
  return fingerprint.digest("hex").slice(0, 32);
}

/** The compiler's own modules (relative to `root`) with their sources, in the order found. */
export const compilerSources = (root: string): Map<string, string> =>
  sourceGraph(root, ["src/content/compile.ts", "src/content/compile-worker.ts"]);

/** The project's modules reachable from `entries` (relative to `root`) with their sources. */
export function sourceGraph(root: string, entries: readonly string[]): Map<string, string> {
  const sources = new Map<string, string>();
  const queue = entries.map((entry) => path.join(root, entry));
  while (queue.length > 0) {
    const file = queue.shift() as string;
    const name = path.relative(root, file);
    if (sources.has(name)) continue;
    const source = readFileSync(file, "utf8");
    sources.set(name, source);
    queue.push(...relativeImports(file, source));
  }
  return sources;
}

export interface OpenedCache {
  cache: RecordCache;
  /** Why an existing cache file was not used, if it was not. */
  ignored?: string;
}

const withFile = (file: string, problems: readonly StoredProblem[]): Problem[] =>
  problems.map((problem) => ({ file, ...problem }));
const withoutFile = (problems: readonly Problem[]): StoredProblem[] => problems.map(({ file: _, ...rest }) => rest);

/**
 * The entries as stored: one array per field (JSON reads arrays of strings and numbers
 * several times faster than as many objects), the rare warnings and problems by index.
 */
interface Columns {
  names: string[];
  hashes: string[];
  /** Five numbers per entry (FileStamp); -1 first for none. */
  stamps: number[];
  /** One letter per entry: a(rticle), d(raft), f(ailed). */
  kinds: string;
  warnings: [number, StoredProblem[]][];
  problems: [number, StoredProblem[]][];
  published: number[];
  tokens: string[];
  digests: string[];
  /** Category label and slug, provider name and slug (null when absent), then topics' labels and slugs. */
  terms: (string | null)[][];
  offsets: number[];
  lengths: number[];
  /** Records gone since the segments before this one: their entries are dropped. */
  dropped: string[];
}

const KINDS = { a: "article", d: "draft", f: "failed" } as const;

function encodeTerms({ category, provider, topics }: Terms): (string | null)[] {
  const out = [category?.label ?? null, category?.slug ?? null, provider?.name ?? null, provider?.slug ?? null];
  for (const { label, slug } of topics) out.push(label, slug);
  return out;
}

function decodeTerms(encoded: readonly (string | null)[]): Terms {
  const [categoryLabel, categorySlug, providerName, providerSlug] = encoded;
  const topics: Terms["topics"] = [];
  for (let i = 4; i < encoded.length; i += 2)
    topics.push({ label: encoded[i] as string, slug: encoded[i + 1] as string });
  const terms: Terms = { topics };
  if (categoryLabel !== null) terms.category = { label: categoryLabel as string, slug: categorySlug as string };
  if (providerName !== null) terms.provider = { name: providerName as string, slug: providerSlug as string };
  return terms;
}

function toColumns(entries: Iterable<StoredEntry>, dropped: string[]): Columns {
  const columns: Columns = {
    names: [],
    hashes: [],
    stamps: [],
    kinds: "",
    warnings: [],
    problems: [],
    published: [],
    tokens: [],
    digests: [],
    terms: [],
    offsets: [],
    lengths: [],
    dropped,
  };
  let i = 0;
  for (const entry of entries) {
    columns.names.push(entry.name);
    columns.hashes.push(entry.hash);
    columns.stamps.push(...(entry.stamp ?? [-1, 0, 0, 0, 0]));
    columns.kinds += entry.kind[0];
    if (entry.warnings.length > 0) columns.warnings.push([i, entry.warnings]);
    if (entry.problems) columns.problems.push([i, entry.problems]);
    columns.published.push(entry.publishedMs ?? 0);
    columns.tokens.push(entry.tokens ?? "");
    columns.digests.push(entry.digest ?? "");
    columns.terms.push(entry.terms ? encodeTerms(entry.terms) : []);
    columns.offsets.push(entry.offset ?? 0);
    columns.lengths.push(entry.length ?? 0);
    i++;
  }
  return columns;
}

/** JSON.stringify(columns) as bytes, a column at a time: no one string of every entry. */
function columnsJson(columns: Columns): Buffer[] {
  const parts = Object.entries(columns).map(([name, column], i) =>
    Buffer.from(`${i === 0 ? "{" : ","}${JSON.stringify(name)}:${JSON.stringify(column)}`),
  );
  parts.push(Buffer.from("}"));
  return parts;
}

/** The entries of columns that hold them all, or undefined when they do not. */
function fromColumns(value: unknown, blobLength: number): { entries: StoredEntry[]; dropped: string[] } | undefined {
  const columns = value as Columns;
  if (typeof columns !== "object" || columns === null || !Array.isArray(columns.names)) return undefined;
  const count = columns.names.length;
  const lists = [
    columns.hashes,
    columns.published,
    columns.tokens,
    columns.digests,
    columns.terms,
    columns.offsets,
    columns.lengths,
  ];
  if (lists.some((list) => !Array.isArray(list) || list.length !== count)) return undefined;
  if (typeof columns.kinds !== "string" || columns.kinds.length !== count) return undefined;
  if (!Array.isArray(columns.stamps) || columns.stamps.length !== 5 * count) return undefined;
  if (!Array.isArray(columns.warnings) || !Array.isArray(columns.problems)) return undefined;
  if (!Array.isArray(columns.dropped) || columns.dropped.some((name) => typeof name !== "string")) return undefined;
  const warnings = new Map(columns.warnings);
  const problems = new Map(columns.problems);
  const entries: StoredEntry[] = [];
  for (let i = 0; i < count; i++) {
    const kind = KINDS[columns.kinds[i] as keyof typeof KINDS];
    const offset = columns.offsets[i] as number;
    const length = columns.lengths[i] as number;
    if (!kind || offset + length > blobLength) return undefined;
    const stamp = columns.stamps.slice(5 * i, 5 * i + 5) as FileStamp;
    const entry: StoredEntry = {
      name: columns.names[i] as string,
      hash: columns.hashes[i] as string,
      stamp: stamp[0] === -1 ? undefined : stamp,
      kind,
      warnings: warnings.get(i) ?? [],
    };
    if (kind === "failed") entry.problems = problems.get(i) ?? [];
    if (kind === "article") {
      entry.publishedMs = columns.published[i];
      entry.tokens = columns.tokens[i];
      entry.digest = columns.digests[i];
      entry.terms = decodeTerms(columns.terms[i] as (string | null)[]);
      entry.offset = offset;
      entry.length = length;
    }
    entries.push(entry);
  }
  return { entries, dropped: columns.dropped };
}

/** An entry as read: with the blob of its segment, and when that segment was written. */
type ReadEntry = StoredEntry & { blob: Uint8Array; writtenAt: number };

/** Dead entries a file may hold before it is rewritten whole: as many as live ones, and some. */
const DEAD_ALLOWED = (live: number) => Math.max(64, live);

/** Entries compiled by a build before it appends them as a segment (the worker threads' results come in as they are done). */
const SEGMENT_ENTRIES = 2_000;

/** One segment's bytes: its header line, its entries' columns, their JSON. */
function segment(
  entries: readonly { entry: StoredEntry; json?: Uint8Array }[],
  dropped: string[],
  dir: string,
  compiler: string,
): Uint8Array[] {
  const meta: StoredEntry[] = [];
  const blob: Uint8Array[] = [];
  let offset = 0;
  for (const { entry, json } of entries) {
    const stored = { ...entry };
    if (json) {
      stored.offset = offset;
      stored.length = json.length;
      blob.push(json);
      offset += json.length;
    }
    meta.push(stored);
  }
  const parts = [...columnsJson(toColumns(meta, dropped)), Buffer.from("\n"), ...blob];
  const checksum = createHash("sha256");
  for (const part of parts) checksum.update(part);
  const header = JSON.stringify({
    format: FORMAT,
    writtenAt: Date.now(),
    dir,
    compiler,
    bytes: partsLength(parts),
    sha256: checksum.digest("hex"),
  });
  return [Buffer.from(`${header}\n`), ...parts];
}

export class RecordCache {
  /** The folder's records as this build found them: each taken or put. */
  private readonly next = new Map<string, { entry: StoredEntry; json?: Uint8Array }>();
  /** Records compiled or restamped since the last segment was written. */
  private pending: string[] = [];
  /** Entries the file holds, superseded and dropped ones included. */
  private held: number;
  /** Whether segments may be appended: the file was read and trusted, or this build began it. */
  private appendable: boolean;
  /** Whether this build has written to the file (its segments as the workers compiled). */
  private wrote = false;

  private constructor(
    readonly file: string,
    /** The content folder, named in the header so that a cache outliving it can be removed. */
    private readonly dir: string,
    private readonly compiler: string,
    private readonly entries: ReadonlyMap<string, ReadEntry>,
    held: number,
  ) {
    this.held = held;
    this.appendable = entries.size > 0 || held > 0;
  }

  /** Nothing was read: every record is compiled. */
  get empty(): boolean {
    return this.entries.size === 0;
  }

  /** Whether the cache holds an entry for the record file `name` (its bytes may differ). */
  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The cache file of the content folder `dir` under `folder`. */
  static fileFor(folder: string, dir: string): string {
    const key = createHash("sha256").update(path.resolve(dir)).digest("hex").slice(0, 16);
    return path.join(folder, `records-${key}.bin`);
  }

  /** Reads the cache of `dir`; one that cannot be trusted is ignored (and named) rather than used. */
  static open(folder: string, dir: string, compiler: string): OpenedCache {
    const file = RecordCache.fileFor(folder, dir);
    const empty = (ignored?: string): OpenedCache => ({
      cache: new RecordCache(file, path.resolve(dir), compiler, new Map(), 0),
      ignored,
    });
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      return empty();
    }
    try {
      if (bytes.length === 0) return empty("it has no header");
      const entries = new Map<string, ReadEntry>();
      let held = 0;
      for (let position = 0; position < bytes.length; ) {
        const headerEnd = bytes.indexOf(10, position);
        if (headerEnd < 0) return empty(position === 0 ? "it has no header" : "it is truncated or padded");
        const header = JSON.parse(bytes.subarray(position, headerEnd).toString("utf8")) as Record<string, unknown>;
        if (header.format !== FORMAT) return empty("it was written in another format");
        if (header.compiler !== compiler) return empty("the compiler changed since it was written");
        const end = headerEnd + 1 + (header.bytes as number);
        if (typeof header.bytes !== "number" || end > bytes.length) return empty("it is truncated or padded");
        const payload = bytes.subarray(headerEnd + 1, end);
        if (hash("sha256", payload, "hex") !== header.sha256) return empty("its checksum does not match");
        const metaEnd = payload.indexOf(10);
        const blob = payload.subarray(metaEnd + 1);
        const meta = fromColumns(JSON.parse(payload.subarray(0, metaEnd).toString("utf8")), blob.length);
        if (!meta) return empty("its entries are malformed");
        const writtenAt = typeof header.writtenAt === "number" ? header.writtenAt : 0;
        for (const name of meta.dropped) entries.delete(name);
        for (const entry of meta.entries as ReadEntry[]) {
          entry.blob = blob;
          entry.writtenAt = writtenAt;
          entries.set(entry.name, entry);
        }
        held += meta.entries.length;
        position = end;
      }
      return { cache: new RecordCache(file, path.resolve(dir), compiler, entries, held) };
    } catch (error) {
      return empty(`it cannot be read (${error instanceof Error ? error.message : String(error)})`);
    }
  }

  /**
   * The cached record `name`, when the file's stamp is the one its bytes had when hashed
   * (and that stamp is not racy): its bytes need not be read. Anything else reads them.
   */
  takeUnchanged(name: string, file: string, stamp: FileStamp): CachedRecord | undefined {
    const entry = this.entries.get(name);
    const known = entry?.stamp;
    if (!entry || !known || known[2] >= entry.writtenAt - RACY_MS) return undefined;
    if (!known.every((value, i) => value === stamp[i])) return undefined;
    return this.use(entry, file, known);
  }

  /** The cached record `name` compiled from bytes with `hash`, kept for the next cache; undefined when absent or stale. */
  take(name: string, file: string, hash: string, stamp?: FileStamp): CachedRecord | undefined {
    const entry = this.entries.get(name);
    if (!entry || entry.hash !== hash) return undefined;
    const record = this.use(entry, file, stamp);
    // A new stamp is kept, so that the next build need not read the file.
    if (stamp?.some((value, i) => value !== entry.stamp?.[i])) this.pending.push(name);
    return record;
  }

  private use(stored: ReadEntry, file: string, stamp: FileStamp | undefined): CachedRecord {
    // The entry as the next segment would write it (toColumns reads only its own fields).
    const entry: StoredEntry = { ...stored, stamp };
    const { blob } = stored;
    const { name } = entry;
    const warnings = withFile(file, entry.warnings);
    if (entry.kind === "failed") {
      this.next.set(name, { entry });
      return { kind: "failed", problems: withFile(file, entry.problems ?? []), warnings };
    }
    if (entry.kind === "draft") {
      this.next.set(name, { entry });
      return { kind: "draft", warnings };
    }
    const offset = entry.offset as number;
    const json = blob.subarray(offset, offset + (entry.length as number));
    this.next.set(name, { entry, json });
    return {
      kind: "article",
      warnings,
      json,
      publishedMs: entry.publishedMs as number,
      tokens: entry.tokens as string,
      digest: entry.digest as string,
      terms: entry.terms as Terms,
    };
  }

  /**
   * Keeps a record just compiled (a read failure is never kept: the next build reads again).
   * Every SEGMENT_ENTRIES of them are appended at once, while the build waits for its workers.
   */
  put(name: string, hash: string, record: CachedRecord, stamp?: FileStamp): void {
    this.pending.push(name);
    const warnings = withoutFile(record.warnings);
    if (record.kind !== "article") {
      const problems = record.kind === "failed" ? withoutFile(record.problems) : undefined;
      this.next.set(name, { entry: { name, hash, stamp, kind: record.kind, warnings, problems } });
    } else {
      const json = typeof record.json === "string" ? Buffer.from(record.json) : record.json;
      // One copy of the JSON: the caller's record now holds the bytes the cache writes.
      record.json = json;
      const { publishedMs, terms, digest } = record;
      this.next.set(name, {
        entry: { name, hash, stamp, kind: "article", warnings, publishedMs, tokens: record.tokens, digest, terms },
        json,
      });
    }
    if (this.pending.length >= SEGMENT_ENTRIES) this.append([]);
  }

  /** Appends a segment of the pending entries and `dropped` names; the first of a new file replaces what was there. */
  private append(dropped: string[]): void {
    const entries = this.pending.map((name) => this.next.get(name) as { entry: StoredEntry; json?: Uint8Array });
    const parts = segment(entries, dropped, this.dir, this.compiler);
    mkdirSync(path.dirname(this.file), { recursive: true });
    if (this.appendable) appendParts(this.file, parts);
    else writeAtomically(this.file, parts);
    this.appendable = true;
    this.wrote = true;
    this.held += entries.length;
    this.pending = [];
  }

  /**
   * Brings the file up to the folder's records now: a segment with what was compiled or
   * restamped since the last one and the names of records gone; or, once the file would
   * hold more dead entries than DEAD_ALLOWED, the live ones written whole, atomically (a
   * build killed half-way leaves the old file).
   */
  async save(): Promise<void> {
    const dropped = [...this.entries.keys()].filter((name) => !this.next.has(name));
    if (this.pending.length === 0 && dropped.length === 0 && existsSync(this.file)) {
      if (this.wrote) pruneStale(path.dirname(this.file), this.file);
      return;
    }
    const dead = this.held + this.pending.length - this.next.size;
    if (this.appendable && dead <= DEAD_ALLOWED(this.next.size)) {
      this.append(dropped);
    } else {
      await mkdir(path.dirname(this.file), { recursive: true });
      writeAtomically(this.file, segment([...this.next.values()], [], this.dir, this.compiler));
      this.held = this.next.size;
      this.appendable = true;
      this.pending = [];
    }
    pruneStale(path.dirname(this.file), this.file);
  }
}

/** The header of another cache file, from its first bytes (without reading the rest). */
function headerOf(file: string): { dir?: unknown } | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    const start = Buffer.alloc(8192);
    const length = readSync(fd, start, 0, start.length, 0);
    const end = start.subarray(0, length).indexOf(10);
    return end < 0 ? undefined : JSON.parse(start.subarray(0, end).toString("utf8"));
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Removes other folders' cache files whose content folder is gone (the tests' temporary
 * folders come and go), or that no build has written for KEEP_MS.
 */
function pruneStale(folder: string, keep: string): void {
  const now = Date.now();
  for (const name of readdirSync(folder)) {
    const file = path.join(folder, name);
    if (file === keep || !/^records-[0-9a-f]{16}\.bin$/.test(name)) continue;
    try {
      const dir = headerOf(file)?.dir;
      if ((typeof dir === "string" && !existsSync(dir)) || now - statSync(file).mtimeMs > KEEP_MS) {
        rmSync(file, { force: true });
      }
    } catch {
      // Another build removed it first.
    }
  }
}
