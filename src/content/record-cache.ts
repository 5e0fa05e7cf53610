// The build's cache of compiled records: one file per content folder, under the project's
// cache folder (.cache/build by default). An entry is found by the record's file name and
// the hash of its bytes; the whole file belongs to one compiler (the fingerprint of the
// code that compiles a record and folds the records into the index, and the libraries it
// uses). The file is a run of segments, each a header, its entries' columns (checksummed)
// and a blob of their JSON and facets: a build appends one with what it compiled (and the
// names of records gone), so that one edit does not rewrite every record's JSON; a later
// segment's entry replaces an earlier one's. When the file holds as many dead entries as
// live ones it is rewritten whole. A build reads the columns, and an article's bytes only
// when it needs them, checked against the article's digest then (see Segment). Beside it,
// a second file keeps what the folder-wide steps made of the last build's records (the
// keyword postings and the term clashes). A file that is missing, truncated, corrupt or
// from another compiler is ignored and rebuilt, never trusted; bytes found damaged later
// throw DamagedCacheError, and the file is removed.
import { createHash, hash } from "node:crypto";
import {
  closeSync,
  existsSync,
  fstatSync,
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
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import type { PostingLists } from "./postings.js";
import type { Problem } from "./problems.js";
import type { Terms } from "./terms.js";
import { appendParts, partsLength, writeAtomically } from "./write-file.js";

/** Changes whenever the layout below changes (the fingerprint covers this file too). */
const FORMAT = "feed-service compiled records 8";

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

/** What the folder-wide steps read of an article besides its order: its keyword tokens and its terms. */
export interface Facets {
  /** The keyword tokens, joined by spaces (a token never holds one). */
  tokens: string;
  terms: Terms;
}

/**
 * An article's facets as the cache and the worker threads carry them: JSON bytes, decoded
 * only when the folder-wide steps must run again (a rebuild whose records' facets are
 * those of the last build takes those steps' results as they were).
 */
export function encodeFacets({ tokens, terms: { category, provider, topics } }: Facets): Buffer {
  const out = [tokens, category?.label ?? null, category?.slug ?? null, provider?.name ?? null, provider?.slug ?? null];
  for (const { label, slug } of topics) out.push(label, slug);
  return Buffer.from(JSON.stringify(out));
}

/** The digest the folder-wide steps know an article's facets by: 128 bits of their SHA-256. */
export const facetsDigest = (facets: Uint8Array): string => hash("sha256", facets, "base64url").slice(0, 22);

export function decodeFacets(bytes: Uint8Array): Facets {
  const [tokens, categoryLabel, categorySlug, providerName, providerSlug, ...topics] = JSON.parse(
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"),
  ) as (string | null)[];
  const terms: Terms = { topics: [] };
  for (let i = 0; i < topics.length; i += 2)
    terms.topics.push({ label: topics[i] as string, slug: topics[i + 1] as string });
  if (categoryLabel != null) terms.category = { label: categoryLabel, slug: categorySlug as string };
  if (providerName != null) terms.provider = { name: providerName, slug: providerSlug as string };
  return { tokens: tokens as string, terms };
}

/** A record read from the cache or just compiled: what the folder-wide steps need of it. */
export type CachedRecord =
  | { kind: "failed"; problems: Problem[]; warnings: Problem[] }
  | { kind: "draft"; warnings: Problem[] }
  | {
      kind: "article";
      warnings: Problem[];
      /** The article's JSON, exactly as the index holds it (read when asked for, if cached). */
      json: string | Uint8Array;
      /** The SHA-256 of `json` (base64url): the content version is a hash of these. */
      digest: string;
      publishedMs: number;
      /** Its facets (encodeFacets). */
      facets: Uint8Array;
      /** The SHA-256 of `facets` (base64url, 128 bits): what the folder-wide steps know an article by. */
      facetsDigest: string;
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
 * (the schema, normaliser, Markdown settings, this cache's own layout) and from the
 * folder-wide steps (src/content/incremental.ts: postings, term clashes), the installed
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
  sourceGraph(root, ["src/content/compile.ts", "src/content/compile-worker.ts", "src/content/incremental.ts"]);

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
 * A segment's entries as stored: one array per field (JSON reads arrays of strings and
 * numbers several times faster than as many objects), the rare warnings and problems by
 * index. An article's JSON and then its facets lie in the segment's blob.
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
  digests: string[];
  facetDigests: string[];
  offsets: number[];
  lengths: number[];
  facetLengths: number[];
  /** Records gone since the segments before this one: their entries are dropped. */
  dropped: string[];
}

const KINDS = { a: "article", d: "draft", f: "failed" } as const;

/** One record as a segment is written from: what was compiled, or an entry read from an older segment. */
interface Entry {
  name: string;
  hash: string;
  /** The file's stamp when its bytes were hashed. */
  stamp?: FileStamp;
  kind: "article" | "draft" | "failed";
  warnings: StoredProblem[];
  problems?: StoredProblem[];
  publishedMs?: number;
  digest?: string;
  facetsDigest?: string;
  json?: Uint8Array;
  facets?: Uint8Array;
}

/** The columns are whole and every entry's bytes lie in the blob; anything else is not trusted. */
function wellFormed(value: unknown, blobLength: number): value is Columns {
  const columns = value as Columns;
  if (typeof columns !== "object" || columns === null || !Array.isArray(columns.names)) return false;
  const count = columns.names.length;
  const lists = [
    columns.hashes,
    columns.published,
    columns.digests,
    columns.facetDigests,
    columns.offsets,
    columns.lengths,
  ];
  if (![...lists, columns.facetLengths].every((list) => Array.isArray(list) && list.length === count)) return false;
  if (typeof columns.kinds !== "string" || columns.kinds.length !== count) return false;
  if (!Array.isArray(columns.stamps) || columns.stamps.length !== 5 * count) return false;
  if (!Array.isArray(columns.warnings) || !Array.isArray(columns.problems)) return false;
  if (!Array.isArray(columns.dropped) || columns.dropped.some((name) => typeof name !== "string")) return false;
  for (let i = 0; i < count; i++) {
    if (!((columns.kinds[i] as string) in KINDS)) return false;
    const end = (columns.offsets[i] as number) + (columns.lengths[i] as number) + (columns.facetLengths[i] as number);
    if (!(end <= blobLength)) return false;
  }
  return true;
}

/** Bytes of a cache file found not to be what was written: the file is removed, and the build must run again without it. */
export class DamagedCacheError extends Error {
  override name = "DamagedCacheError";
}

/** Reads of single entries a segment serves from the file before it reads its whole blob once. */
const SINGLE_READS = 1024;

/**
 * One segment as read: its columns, where its blob lies in the file, and when it was
 * written. Entries are read from the columns when a build asks for them, not turned into
 * objects at once: a rebuild touches every record, and the objects were most of its time
 * and its garbage. An article's JSON and facets are read from the file only when asked
 * for: a one-edit rebuild of 10,000 records writes one index chunk, a few hundred
 * articles, and reading all 20 MB (and checksumming them) was a sixth of its time. Each
 * read is checked against the article's digests (SHA-256), which the columns' checksum
 * covers; appending never moves a segment, and a file rewritten whole is renamed into
 * place, so the bytes a build read its columns with stay where they were.
 */
class Segment {
  private readonly warnings: Map<number, StoredProblem[]>;
  private readonly problems: Map<number, StoredProblem[]>;
  private blob: Buffer | undefined;
  private reads = 0;

  constructor(
    readonly columns: Columns,
    private readonly file: { path: string; blobAt: number; blobLength: number },
    readonly writtenAt: number,
  ) {
    this.warnings = new Map(columns.warnings);
    this.problems = new Map(columns.problems);
  }

  /**
   * `length` bytes at `offset` of the blob, for entry i's `what`: one read of the file, or,
   * past SINGLE_READS, from the whole blob read once.
   */
  private bytes(i: number, what: string, offset: number, length: number): Buffer {
    if (++this.reads > SINGLE_READS) this.hold();
    if (this.blob) return this.blob.subarray(offset, offset + length);
    try {
      return readAt(this.file.path, this.file.blobAt + offset, length);
    } catch (error) {
      throw this.damaged(`the ${what} of ${this.columns.names[i]} cannot be read: ${messageOf(error)}`);
    }
  }

  /** Reads the whole blob into memory, before the file is rewritten (its bytes move then) or to serve many reads. */
  hold(): void {
    try {
      this.blob ??= readAt(this.file.path, this.file.blobAt, this.file.blobLength);
    } catch (error) {
      throw this.damaged(`its entries cannot be read: ${messageOf(error)}`);
    }
  }

  /** Removes the damaged file (and the steps kept beside it): the error to throw. */
  private damaged(how: string): DamagedCacheError {
    rmSync(this.file.path, { force: true });
    rmSync(stepsFileOf(this.file.path), { force: true });
    return new DamagedCacheError(`the build cache was damaged (${how}) and is removed`);
  }

  /** Entry i's JSON (an article's), checked against its digest. */
  json(i: number): Buffer {
    const json = this.bytes(i, "JSON", this.columns.offsets[i] as number, this.columns.lengths[i] as number);
    if (hash("sha256", json, "base64url") !== this.columns.digests[i])
      throw this.damaged(`the JSON of ${this.columns.names[i]} is not what was written`);
    return json;
  }

  /** Entry i's facets (an article's), checked against their digest. */
  facets(i: number): Buffer {
    const { offsets, lengths, facetLengths, facetDigests } = this.columns;
    const at = (offsets[i] as number) + (lengths[i] as number);
    const facets = this.bytes(i, "facets", at, facetLengths[i] as number);
    if (facetsDigest(facets) !== facetDigests[i])
      throw this.damaged(`the facets of ${this.columns.names[i]} are not what was written`);
    return facets;
  }

  hash(i: number): string {
    return this.columns.hashes[i] as string;
  }

  /** Whether entry i was stamped with these stats, longer than RACY_MS before it was written. */
  stampedAs(i: number, stats: Stats): boolean {
    const stamps = this.columns.stamps;
    const at = 5 * i;
    return (
      stamps[at] !== -1 &&
      (stamps[at + 2] as number) < this.writtenAt - RACY_MS &&
      stamps[at] === stats.size &&
      stamps[at + 1] === stats.mtimeMs &&
      stamps[at + 2] === stats.ctimeMs &&
      stamps[at + 3] === stats.ino &&
      stamps[at + 4] === stats.dev
    );
  }

  stamp(i: number): FileStamp | undefined {
    const stamps = this.columns.stamps;
    return stamps[5 * i] === -1 ? undefined : (stamps.slice(5 * i, 5 * i + 5) as FileStamp);
  }

  /** Entry i as the build reads it, its problems named after `file`. */
  record(i: number, file: string): CachedRecord {
    const kind = KINDS[this.columns.kinds[i] as keyof typeof KINDS];
    const stored = this.warnings.get(i);
    const warnings = stored ? withFile(file, stored) : [];
    if (kind === "failed") return { kind, problems: withFile(file, this.problems.get(i) ?? []), warnings };
    if (kind === "draft") return { kind, warnings };
    return new StoredArticle(this, i, warnings);
  }

  /** Entry i as a segment is written from. */
  entry(i: number, stamp: FileStamp | undefined): Entry {
    const { names, kinds, published, digests, facetDigests } = this.columns;
    const kind = KINDS[kinds[i] as keyof typeof KINDS];
    const entry: Entry = {
      name: names[i] as string,
      hash: this.hash(i),
      stamp,
      kind,
      warnings: this.warnings.get(i) ?? [],
    };
    if (kind === "failed") entry.problems = this.problems.get(i) ?? [];
    if (kind === "article") {
      entry.publishedMs = published[i];
      entry.digest = digests[i];
      entry.facetsDigest = facetDigests[i];
      entry.json = this.json(i);
      entry.facets = this.facets(i);
    }
    return entry;
  }
}

/** A cached article: its JSON and facets are read from the cache file when asked for. */
class StoredArticle {
  readonly kind = "article";
  readonly digest: string;
  readonly facetsDigest: string;
  readonly publishedMs: number;

  constructor(
    private readonly segment: Segment,
    private readonly i: number,
    readonly warnings: Problem[],
  ) {
    this.digest = segment.columns.digests[i] as string;
    this.facetsDigest = segment.columns.facetDigests[i] as string;
    this.publishedMs = segment.columns.published[i] as number;
  }

  get json(): Buffer {
    return this.segment.json(this.i);
  }

  get facets(): Buffer {
    return this.segment.facets(this.i);
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** `length` bytes of `file` (a path, or an open descriptor) at `position`; fewer (the file cut since) is an error. */
function readAt(file: string | number, position: number, length: number): Buffer {
  const bytes = Buffer.allocUnsafe(length);
  const fd = typeof file === "number" ? file : openSync(file, "r");
  try {
    let done = 0;
    while (done < length) {
      const read = readSync(fd, bytes, done, length - done, position + done);
      if (read === 0) throw new Error("the file is shorter than its columns say");
      done += read;
    }
  } finally {
    if (fd !== file) closeSync(fd);
  }
  return bytes;
}

/** An entry kept for the next segment: as read (with a new stamp, if the file was restamped), or just compiled. */
type Kept = { segment: Segment; i: number; stamp?: FileStamp } | { entry: Entry };

/** Dead entries a file may hold before it is rewritten whole: as many as live ones, and some. */
const DEAD_ALLOWED = (live: number) => Math.max(64, live);

/** Entries compiled by a build before it appends them as a segment (the worker threads' results come in as they are done). */
const SEGMENT_ENTRIES = 2_000;

/** zlib.crc32, which Node's types declare whatever the version. */
const crc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/**
 * The checksum of a cache file's payload, named by its algorithm: CRC-32 where Node has it
 * (20.15 and later), else SHA-256. A checksum finds damage (a cut, a flipped bit, another
 * program's bytes), not forgery: whoever can write the cache folder can write the sources.
 * CRC-32 reads the 20 MB cache of 10,000 records in 4 ms, SHA-256 in 15 (a third of a
 * one-edit rebuild's reading).
 */
function checksum(parts: readonly Uint8Array[], algorithm = crc32 ? "crc32" : "sha256"): string {
  if (algorithm === "crc32" && crc32) {
    let crc = 0;
    for (const part of parts) crc = crc32(part, crc);
    return `crc32:${crc.toString(16).padStart(8, "0")}`;
  }
  const sha256 = createHash("sha256");
  for (const part of parts) sha256.update(part);
  return `sha256:${sha256.digest("hex")}`;
}

/** A header line and its payload, with the payload's length and checksum: how both cache files are written. */
function framed(header: Record<string, unknown>, parts: Uint8Array[]): Uint8Array[] {
  const line = JSON.stringify({ ...header, bytes: partsLength(parts), checksum: checksum(parts) });
  return [Buffer.from(`${line}\n`), ...parts];
}

/** The file beside a cache file that keeps the folder-wide steps' results. */
const stepsFileOf = (file: string) => file.replace(/\.bin$/, ".steps");

/** One segment's bytes: its header line, its entries' columns, their JSON and facets. */
function segment(entries: readonly Entry[], dropped: string[], dir: string, compiler: string): Uint8Array[] {
  const columns: Columns = {
    names: [],
    hashes: [],
    stamps: [],
    kinds: "",
    warnings: [],
    problems: [],
    published: [],
    digests: [],
    facetDigests: [],
    offsets: [],
    lengths: [],
    facetLengths: [],
    dropped,
  };
  const blob: Uint8Array[] = [];
  let offset = 0;
  entries.forEach((entry, i) => {
    columns.names.push(entry.name);
    columns.hashes.push(entry.hash);
    columns.stamps.push(...(entry.stamp ?? [-1, 0, 0, 0, 0]));
    columns.kinds += entry.kind[0];
    if (entry.warnings.length > 0) columns.warnings.push([i, entry.warnings]);
    if (entry.problems) columns.problems.push([i, entry.problems]);
    columns.published.push(entry.publishedMs ?? 0);
    columns.digests.push(entry.digest ?? "");
    columns.facetDigests.push(entry.facetsDigest ?? "");
    columns.offsets.push(offset);
    columns.lengths.push(entry.json?.length ?? 0);
    columns.facetLengths.push(entry.facets?.length ?? 0);
    for (const bytes of [entry.json, entry.facets]) {
      if (!bytes) continue;
      blob.push(bytes);
      offset += bytes.length;
    }
  });
  // JSON.stringify(columns), a column at a time: no one string of every entry.
  const parts: Uint8Array[] = Object.entries(columns).map(([name, column], i) =>
    Buffer.from(`${i === 0 ? "{" : ","}${JSON.stringify(name)}:${JSON.stringify(column)}`),
  );
  parts.push(Buffer.from("}"));
  // The checksum covers the columns; each article's bytes are checked by its digests when read.
  return [...framed({ format: FORMAT, writtenAt: Date.now(), dir, compiler, blob: partsLength(blob) }, parts), ...blob];
}

/**
 * What the folder-wide steps made of a build's articles, kept for the next build to patch:
 * the articles (in feed order, by id and facets digest), their terms' labels (a build
 * keeps its steps only when it found no clashes), the keyword postings as lists, and the
 * name of the index chunk that holds those postings' JSON.
 */
export interface FolderSteps {
  ids: string[];
  facets: string[];
  labels: [string, string][];
  lists: PostingLists;
  postingsName: string;
}

/** Int32 values as bytes in this machine's order (the steps file names it), and back. */
const int32Bytes = (values: Int32Array) => Buffer.from(values.buffer, values.byteOffset, values.byteLength);
/** A copy: the file's bytes need not be aligned for an Int32Array. */
const int32s = (bytes: Buffer, offset: number, count: number) =>
  new Int32Array(new Uint8Array(bytes.subarray(offset, offset + 4 * count)).buffer);

export class RecordCache {
  /** The entries read: each record's latest, by file name. */
  private readonly entries = new Map<string, { segment: Segment; i: number }>();
  /** The folder's records as this build found them: each taken or put. */
  private readonly next = new Map<string, Kept>();
  /** Records compiled or restamped since the last segment was written. */
  private pending: string[] = [];
  /** Entries the file holds, superseded and dropped ones included. */
  private held = 0;
  /** Whether segments may be appended: the file was read and trusted, or this build began it. */
  private appendable = false;
  /** Whether this build has written to the file (its segments as the workers compiled). */
  private wrote = false;

  private constructor(
    readonly file: string,
    /** The content folder, named in the header so that a cache outliving it can be removed. */
    private readonly dir: string,
    private readonly compiler: string,
  ) {}

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

  private get stepsFile(): string {
    return stepsFileOf(this.file);
  }

  /** Reads the cache of `dir`; one that cannot be trusted is ignored (and named) rather than used. */
  static open(folder: string, dir: string, compiler: string): OpenedCache {
    const file = RecordCache.fileFor(folder, dir);
    const cache = new RecordCache(file, path.resolve(dir), compiler);
    let fd: number;
    try {
      fd = openSync(file, "r");
    } catch {
      return { cache };
    }
    try {
      const ignored = cache.read(fd);
      if (ignored === undefined) return { cache };
      return { cache: new RecordCache(file, path.resolve(dir), compiler), ignored };
    } finally {
      closeSync(fd);
    }
  }

  /** Takes in the segments' columns from `fd`; a string says why they cannot be trusted. */
  private read(fd: number): string | undefined {
    try {
      const size = fstatSync(fd).size;
      if (size === 0) return "it has no header";
      let position = 0;
      while (position < size) {
        const frame = segmentAt(fd, size, position, this.compiler);
        if (typeof frame === "string")
          return position > 0 && frame === "it has no header" ? "it is truncated or padded" : frame;
        const columns: unknown = JSON.parse(frame.columns.toString("utf8"));
        if (!wellFormed(columns, frame.blobLength)) return "its entries are malformed";
        const segment = new Segment(
          columns,
          { path: this.file, blobAt: frame.blobAt, blobLength: frame.blobLength },
          typeof frame.header.writtenAt === "number" ? frame.header.writtenAt : 0,
        );
        for (const name of columns.dropped) this.entries.delete(name);
        columns.names.forEach((name, i) => {
          this.entries.set(name, { segment, i });
        });
        this.held += columns.names.length;
        position = frame.blobAt + frame.blobLength;
      }
      this.appendable = true;
      return undefined;
    } catch (error) {
      return `it cannot be read (${messageOf(error)})`;
    }
  }

  /**
   * The cached record `name`, when the file's stats are those its bytes had when hashed
   * (and that stamp is not racy): its bytes need not be read. Anything else reads them.
   */
  takeUnchanged(name: string, file: string, stats: Stats): CachedRecord | undefined {
    const found = this.entries.get(name);
    if (!found?.segment.stampedAs(found.i, stats)) return undefined;
    this.next.set(name, found);
    return found.segment.record(found.i, file);
  }

  /** The cached record `name` compiled from bytes with `hash`, kept for the next cache; undefined when absent or stale. */
  take(name: string, file: string, hash: string, stamp?: FileStamp): CachedRecord | undefined {
    const found = this.entries.get(name);
    if (!found || found.segment.hash(found.i) !== hash) return undefined;
    const known = found.segment.stamp(found.i);
    // A new stamp is kept, so that the next build need not read the file.
    if (stamp?.some((value, i) => value !== known?.[i])) {
      this.next.set(name, { ...found, stamp });
      this.pending.push(name);
    } else this.next.set(name, found);
    return found.segment.record(found.i, file);
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
      const { publishedMs, digest, facets, facetsDigest } = record;
      this.next.set(name, {
        entry: { name, hash, stamp, kind: "article", warnings, publishedMs, digest, json, facets, facetsDigest },
      });
    }
    if (this.pending.length >= SEGMENT_ENTRIES) this.append([]);
  }

  /** The entry a kept record writes. */
  private static written(kept: Kept): Entry {
    if ("entry" in kept) return kept.entry;
    return kept.segment.entry(kept.i, "stamp" in kept ? kept.stamp : kept.segment.stamp(kept.i));
  }

  /** Appends a segment of the pending entries and `dropped` names; the first of a new file replaces what was there. */
  private append(dropped: string[]): void {
    const entries = this.pending.map((name) => RecordCache.written(this.next.get(name) as Kept));
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
      // The file is about to be replaced: what is still to be read of it is read now.
      for (const segment of new Set([...this.entries.values()].map((found) => found.segment))) segment.hold();
      const entries = [...this.next.values()].map(RecordCache.written);
      writeAtomically(this.file, segment(entries, [], this.dir, this.compiler));
      this.held = this.next.size;
      this.appendable = true;
      this.pending = [];
    }
    pruneStale(path.dirname(this.file), this.file);
  }

  /** The folder-wide steps the last build kept for this folder, if they are whole. */
  steps(): FolderSteps | undefined {
    let bytes: Buffer;
    try {
      bytes = readFileSync(this.stepsFile);
    } catch {
      return undefined;
    }
    try {
      const frame = unframe(bytes, 0, this.compiler);
      if (typeof frame === "string" || frame.end !== bytes.length) return undefined;
      const { header, payload } = frame;
      if (header.dir !== this.dir || header.endian !== os.endianness()) return undefined;
      const { count, entries, positions, postingsName } = header;
      if (![count, entries, positions].every(Number.isInteger) || typeof postingsName !== "string") return undefined;
      // Three lines (the ids, the facets digests, the tokens, each joined by NUL), the labels, then the lists.
      const lines: string[] = [];
      let at = 0;
      for (let i = 0; i < 4; i++) {
        const end = payload.indexOf(10, at);
        if (end < 0) return undefined;
        lines.push(payload.subarray(at, end).toString("utf8"));
        at = end + 1;
      }
      const [ids, facets, tokens] = lines.slice(0, 3).map((line) => (line === "" ? [] : line.split("\0"))) as [
        string[],
        string[],
        string[],
      ];
      const labels: unknown = JSON.parse(lines[3] as string);
      if (ids.length !== count || facets.length !== count || tokens.length !== entries) return undefined;
      if (!Array.isArray(labels) || at + 4 * ((entries as number) + 1 + (positions as number)) !== payload.length)
        return undefined;
      const lists = {
        tokens,
        starts: int32s(payload, at, (entries as number) + 1),
        positions: int32s(payload, at + 4 * ((entries as number) + 1), positions as number),
      };
      if (!listsFit(lists, count as number)) return undefined;
      return { ids, facets, labels: labels as [string, string][], lists, postingsName };
    } catch {
      return undefined;
    }
  }

  /** Keeps the folder-wide steps' results for the next build. */
  keepSteps({ ids, facets, labels, lists, postingsName }: FolderSteps): void {
    const parts = [
      Buffer.from(`${ids.join("\0")}\n${facets.join("\0")}\n${lists.tokens.join("\0")}\n${JSON.stringify(labels)}\n`),
      int32Bytes(lists.starts),
      int32Bytes(lists.positions),
    ];
    const header = {
      format: FORMAT,
      dir: this.dir,
      compiler: this.compiler,
      endian: os.endianness(),
      count: ids.length,
      entries: lists.tokens.length,
      positions: lists.positions.length,
      postingsName,
    };
    mkdirSync(path.dirname(this.file), { recursive: true });
    writeAtomically(this.stepsFile, framed(header, parts));
  }
}

/** Whether lists read back are whole: each entry's span in order, each position one of `count` articles, ascending. */
function listsFit({ starts, positions }: PostingLists, count: number): boolean {
  if (starts[0] !== 0 || starts[starts.length - 1] !== positions.length) return false;
  for (let e = 0; e + 1 < starts.length; e++) {
    const start = starts[e] as number;
    const end = starts[e + 1] as number;
    if (end <= start) return false;
    for (let i = start; i < end; i++) {
      const p = positions[i] as number;
      if (p < 0 || p >= count || (i > start && p <= (positions[i - 1] as number))) return false;
    }
  }
  return true;
}

/**
 * The frame (header line and checksummed payload) at `position` of a cache file, or why it
 * cannot be trusted.
 */
function unframe(
  bytes: Buffer,
  position: number,
  compiler: string,
): { header: Record<string, unknown>; payload: Buffer; end: number } | string {
  const headerEnd = bytes.indexOf(10, position);
  if (headerEnd < 0) return "it has no header";
  const header = JSON.parse(bytes.subarray(position, headerEnd).toString("utf8")) as Record<string, unknown>;
  if (header.format !== FORMAT) return "it was written in another format";
  if (header.compiler !== compiler) return "the compiler changed since it was written";
  const end = headerEnd + 1 + (header.bytes as number);
  if (typeof header.bytes !== "number" || end > bytes.length) return "it is truncated or padded";
  const payload = bytes.subarray(headerEnd + 1, end);
  const [algorithm] = String(header.checksum).split(":");
  if (checksum([payload], algorithm) !== header.checksum) return "its checksum does not match";
  return { header, payload, end };
}

/** A segment's header and checksummed columns are read at once if they fit in this many bytes. */
const FIRST_READ = 1 << 16;

/**
 * The segment at `position` of a cache file (`size` bytes): its header, its columns
 * (checked against the header's checksum) and where its blob lies; or why it cannot be
 * trusted.
 */
function segmentAt(
  fd: number,
  size: number,
  position: number,
  compiler: string,
): { header: Record<string, unknown>; columns: Buffer; blobAt: number; blobLength: number } | string {
  const first = Buffer.allocUnsafe(Math.min(FIRST_READ, size - position));
  const got = readSync(fd, first, 0, first.length, position);
  const headerEnd = first.subarray(0, got).indexOf(10);
  if (headerEnd < 0) return "it has no header";
  const header = JSON.parse(first.subarray(0, headerEnd).toString("utf8")) as Record<string, unknown>;
  if (header.format !== FORMAT) return "it was written in another format";
  if (header.compiler !== compiler) return "the compiler changed since it was written";
  const { bytes, blob } = header;
  if (!Number.isInteger(bytes) || !Number.isInteger(blob)) return "its entries are malformed";
  const columnsAt = position + headerEnd + 1;
  const blobAt = columnsAt + (bytes as number);
  if (blobAt + (blob as number) > size) return "it is truncated or padded";
  const columns =
    headerEnd + 1 + (bytes as number) <= got
      ? first.subarray(headerEnd + 1, headerEnd + 1 + (bytes as number))
      : readAt(fd, columnsAt, bytes as number);
  const [algorithm] = String(header.checksum).split(":");
  if (checksum([columns], algorithm) !== header.checksum) return "its checksum does not match";
  return { header, columns, blobAt, blobLength: blob as number };
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
    if (file === keep || file === stepsFileOf(keep) || !/^records-[0-9a-f]{16}\.(bin|steps)$/.test(name)) continue;
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
