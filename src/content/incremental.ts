// Compiles a content folder: the entry rules (folder.ts), each record from the cache when
// its bytes and the compiler are unchanged, else compiled (in worker threads when there
// are many), then the checks across records, the feed order and the content version.
// The parsers (compile.ts) are loaded only when some record must be compiled.
import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { Article, ContentIndex } from "./article.js";
import { listRecords, readRecord } from "./folder.js";
import { folderSteps, type PostingsOutput, type StepArticle } from "./folder-steps.js";
import { compareArticles } from "./order.js";
import { PostingsBuilder } from "./postings.js";
import { byFile, type Problem } from "./problems.js";
import {
  type CachedRecord,
  compilerFingerprint,
  contentHash,
  DamagedCacheError,
  decodeFacets,
  type Facets,
  type FileStamp,
  RecordCache,
  stampOf,
} from "./record-cache.js";
import { mark } from "./timings.js";
import { unpackChunk, type WireChunk } from "./wire.js";

/** A record file for a thread to read and compile. */
export interface CompileJob {
  file: string;
  id: string;
  full: string;
}

/** A record file compiled (with the hash and stamp of the bytes read), or why it could not be read. */
export type CompiledFile = { unread: string } | { record: CachedRecord; hash: string; stamp: FileStamp };

export interface CompileOptions {
  /**
   * Keep compiled records in `folder` (the project's cache folder), for a compiler whose
   * sources are under `root`. Without it, every record is compiled.
   */
  cache?: { folder: string; root: string };
  /** Worker threads for the records to compile (default: one per core; with none, this thread compiles). */
  workers?: number;
  /** Hears why a cache file was ignored. */
  note?: (message: string) => void;
}

/** A compiled article of the folder, in feed order. */
export interface FolderArticle {
  id: string;
  file: string;
  /** Its place in the folder's file order. */
  slot: number;
  publishedMs: number;
  /**
   * Its JSON, exactly as the index holds it: read from the cache file when asked for, if it
   * was cached, and then checked (a damaged file throws DamagedCacheError: compile again).
   */
  json: () => string | Uint8Array;
  /** The SHA-256 of its JSON (base64url). */
  digest: string;
  /** The digest of its facets (facetsDigest). */
  facetsDigest: string;
}

export interface FolderResult {
  /** Newest first (compareArticles); drafts are not here. */
  articles: FolderArticle[];
  /** A hash of the articles' JSON: the index's content version. */
  version: string;
  problems: Problem[];
  /** Slips that do not stop the build, in file order. */
  warnings: Problem[];
  drafts: number;
  /** Records taken from the cache, and compiled. */
  cached: number;
  compiled: number;
  /** The articles' keyword postings (postingsOf, in feed order): their JSON, and the name of their index chunk. */
  postings: PostingsOutput;
}

/** Fewer records than this are compiled here: a worker thread costs more to start. */
const WORKER_THRESHOLD = 400;
/** Records handed to a worker at once. */
const CHUNK = 200;

type Job = CompileJob & { slot: number };
type ArticleRecord = Extract<CachedRecord, { kind: "article" }>;

const loadCompiler = async () => (await import("./compile.js")).compileFile;

/** The worker module beside this one: TypeScript under tsx and the tests, JavaScript when bundled. */
const workerUrl = () => new URL(`./compile-worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url);

/**
 * Compiles the jobs in `threads` worker threads, a chunk at a time each, or in this thread
 * when there are none (or none is left: a worker that fails hands its chunks back, and the
 * build is the same, only slower).
 */
class Compiler {
  private readonly queue: Job[][] = [];
  private readonly workers: { worker: Worker; pending: Job[][] }[] = [];
  private done = 0;
  private onFile: (job: Job, file: CompiledFile) => void = () => {};
  private wake: (() => void) | undefined;
  private local: Promise<(job: CompileJob) => CompiledFile> | undefined;

  constructor(threads: number) {
    this.grow(threads);
  }

  /** Starts threads until there are `threads`. */
  grow(threads: number): void {
    while (this.workers.length < threads && this.spawn());
  }

  private spawn(): boolean {
    let worker: Worker;
    try {
      worker = new Worker(workerUrl());
    } catch {
      return false;
    }
    const slot = { worker, pending: [] as Job[][] };
    this.workers.push(slot);
    worker.on("message", (chunk: WireChunk) => {
      const jobs = slot.pending.shift() ?? [];
      const files = unpackChunk(chunk);
      for (const [i, job] of jobs.entries()) this.settle(job, files[i] as CompiledFile);
      this.feed(slot);
      this.notify();
    });
    const lost = () => {
      this.workers.splice(this.workers.indexOf(slot), 1);
      this.queue.unshift(...slot.pending.splice(0));
      this.notify();
    };
    worker.on("error", lost);
    worker.on("exit", () => {
      if (this.workers.includes(slot)) lost();
    });
    return true;
  }

  private settle(job: Job, file: CompiledFile): void {
    this.done++;
    this.onFile(job, file);
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Two chunks in flight per worker, so that it never waits for this thread. */
  private feed(slot: { worker: Worker; pending: Job[][] }): void {
    while (slot.pending.length < 2) {
      const chunk = this.queue.shift();
      if (!chunk) return;
      slot.pending.push(chunk);
      slot.worker.postMessage(chunk.map(({ file, id, full }) => ({ file, id, full })));
    }
  }

  /** Compiles `jobs`, handing each file to `onFile` as it is done (in no set order). */
  async run<T extends Job>(jobs: readonly T[], onFile: (job: T, file: CompiledFile) => void): Promise<void> {
    this.onFile = onFile as (job: Job, file: CompiledFile) => void;
    this.done = 0;
    for (let i = 0; i < jobs.length; i += CHUNK) this.queue.push(jobs.slice(i, i + CHUNK));
    for (const slot of this.workers) this.feed(slot);
    while (this.done < jobs.length) {
      // With workers, this thread only hands out chunks: it holds the folder's records, and
      // compiling here too made each of its garbage collections walk them all.
      const chunk = this.workers.length === 0 ? this.queue.shift() : undefined;
      if (chunk) {
        this.local ??= loadCompiler();
        const compile = await this.local;
        for (const job of chunk) this.settle(job, compile(job));
        // Lets the workers' answers in, and hands them the next chunks.
        await new Promise((resolve) => setImmediate(resolve));
        for (const slot of this.workers) this.feed(slot);
      } else if (this.workers.some((slot) => slot.pending.length > 0)) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
      } else throw new Error("the build lost records between its threads");
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map(({ worker }) => worker.terminate()));
  }
}

/** Threads to start for `jobs` records: none for a few, else one per core. */
function threadsFor(jobs: number, option: number | undefined): number {
  if (jobs < WORKER_THRESHOLD) return 0;
  return option ?? os.availableParallelism();
}

/** A rebuild's one thread, started before it knows whether any record changed: only with a core to spare. */
const spareThread = (option: number | undefined) => (option === 0 || os.availableParallelism() < 2 ? 0 : 1);

/**
 * Compiles every record under `dir`; `displayDir` is how files are named in problems. A
 * cache file found damaged while the build reads it is removed, and the folder compiled
 * again without it.
 */
export async function compileFolder(
  dir: string,
  displayDir = path.basename(dir),
  options: CompileOptions = {},
): Promise<FolderResult> {
  try {
    return await compileOnce(dir, displayDir, options);
  } catch (error) {
    if (!(error instanceof DamagedCacheError)) throw error;
    options.note?.(error.message);
    return compileOnce(dir, displayDir, options);
  }
}

async function compileOnce(dir: string, displayDir: string, options: CompileOptions): Promise<FolderResult> {
  // One thread starts at once, on a machine with a core to spare, to load the parsers
  // while this one lists the folder, reads the cache and stamps the files: a rebuild's
  // edited record is compiled there, with no wait (loading the parsers here, after the
  // stamps, took a one-edit rebuild of 10,000 records a fifth of its time). A build with
  // nothing cached starts one per core as soon as it knows.
  const compiler = new Compiler(spareThread(options.workers));
  const listing = listRecords(dir, displayDir);
  mark("listed");
  const problems = listing.problems;
  const warnings = listing.warnings;
  let cache: RecordCache | undefined;
  if (options.cache) {
    const opened = RecordCache.open(options.cache.folder, dir, compilerFingerprint(options.cache.root));
    cache = opened.cache;
    if (opened.ignored) options.note?.(`the build cache was ignored and is rebuilt: ${opened.ignored}`);
    mark("cache read");
  }

  const cold = !cache || cache.empty;
  if (cold) compiler.grow(threadsFor(listing.records.length, options.workers));

  const slots: (CachedRecord | string | undefined)[] = [];
  const jobs: (Job & { name: string })[] = [];
  for (const [slot, record] of listing.records.entries()) {
    const job = { slot, name: record.name, file: record.file, id: record.id, full: record.full };
    // A record the cache does not know is read where it is compiled.
    if (!cache?.has(record.name)) {
      slots.push(undefined);
      jobs.push(job);
      continue;
    }
    // A file whose stamp is the one its cached bytes had is not read again (see RACY_MS).
    const stats = lstatSync(record.full, { throwIfNoEntry: false });
    const unchanged = stats?.isFile() && cache.takeUnchanged(record.name, record.file, stats);
    if (unchanged) {
      slots.push(unchanged);
      continue;
    }
    const read = readRecord(record.full);
    if (typeof read === "string") {
      slots.push(read);
      continue;
    }
    const hit = cache.take(record.name, record.file, contentHash(read.bytes), stampOf(read.stats));
    slots.push(hit);
    if (!hit) jobs.push(job);
  }
  mark("stamped");

  // The articles' facets (keyword tokens and terms) by slot, as far as they were decoded.
  // A cold build decodes each as it arrives, while the threads compile the next ones; a
  // rebuild decodes them only if the last build's folder-wide results do not hold.
  const facets: (Facets | undefined)[] = [];
  const postings = new PostingsBuilder();
  const gather = (slot: number, record: ArticleRecord) => {
    const decoded = decodeFacets(record.facets);
    facets[slot] = decoded;
    postings.add(slot, decoded.tokens);
  };
  if (jobs.length > 0) {
    compiler.grow(threadsFor(jobs.length, options.workers));
    await compiler.run(jobs, (job, result) => {
      if ("unread" in result) {
        slots[job.slot] = result.unread;
        return;
      }
      // The cache keeps the article's JSON as bytes; the index is written from the same bytes.
      cache?.put(job.name, result.hash, result.record, result.stamp);
      slots[job.slot] = result.record;
      if (cold && result.record.kind === "article") gather(job.slot, result.record);
    });
  }
  await compiler.close();
  mark("compiled");

  const articles: FolderArticle[] = [];
  let drafts = 0;
  for (const [i, record] of listing.records.entries()) {
    const result = slots[i] as CachedRecord | string;
    if (typeof result === "string") {
      problems.push({ file: record.file, field: "", message: result });
      continue;
    }
    warnings.push(...result.warnings);
    if (result.kind === "failed") problems.push(...result.problems);
    else if (result.kind === "draft") drafts++;
    else {
      const { publishedMs, digest, facetsDigest } = result;
      const json = () => result.json;
      articles.push({ id: record.id, file: record.file, slot: i, publishedMs, json, digest, facetsDigest });
    }
  }
  await cache?.save();
  mark("cache saved");

  // The folder-wide steps: what the last build kept, patched with what changed, or done again.
  const facetsOf = (slot: number) => {
    if (!facets[slot]) facets[slot] = decodeFacets((slots[slot] as ArticleRecord).facets);
    return facets[slot];
  };
  const stepArticle = ({ id, file, facetsDigest, slot }: FolderArticle): StepArticle => ({
    id,
    file,
    facets: facetsDigest,
    terms: () => facetsOf(slot).terms,
    tokens: () => facetsOf(slot).tokens,
  });
  const inFileOrder = articles.map(stepArticle);
  articles.sort(compareArticles);
  const steps = folderSteps(cache?.steps(), inFileOrder, articles.map(stepArticle), () => {
    if (!cold) for (const { slot } of articles) postings.add(slot, facetsOf(slot).tokens);
    return postings.inFeedOrder(articles.map((article) => article.slot));
  });
  problems.push(...steps.clashes);
  // Kept only when the terms had no clashes (steps.keep says): the labels kept assume none.
  const keep = steps.keep();
  if (keep) cache?.keepSteps(keep);
  // Problems in file order, as a writer goes through the folder (the sort is stable).
  problems.sort(byFile);
  warnings.sort(byFile);
  mark("checked and sorted");
  return {
    articles,
    version: contentVersion(articles),
    problems,
    warnings,
    drafts,
    cached: listing.records.length - jobs.length,
    compiled: jobs.length,
    postings: steps.postings,
  };
}

/**
 * The content version: a hash of the articles' JSON in feed order, through each one's
 * digest (computed where it was compiled, and cached), so that a rebuild does not hash
 * every article's JSON again.
 */
export function contentVersion(articles: readonly { digest: string }[]): string {
  // The digests joined: the same hash as one update each, at a fraction of the calls.
  return createHash("sha256")
    .update(articles.map(({ digest }) => digest).join(""))
    .digest("hex")
    .slice(0, 16);
}

export interface CompileResult {
  index: ContentIndex;
  problems: Problem[];
  /** Slips that do not stop the build, in file order. */
  warnings: Problem[];
  drafts: number;
}

const decoder = new TextDecoder();

/**
 * Runs `use` on the folder's compiled result; if a cached article's bytes turn out damaged
 * on the way (the cache file is removed then), compiles the folder again and runs it again.
 */
export async function withCompiledFolder<T>(
  dir: string,
  displayDir: string,
  options: CompileOptions,
  use: (result: FolderResult) => T,
): Promise<T> {
  const result = await compileFolder(dir, displayDir, options);
  try {
    return use(result);
  } catch (error) {
    if (!(error instanceof DamagedCacheError)) throw error;
    options.note?.(error.message);
    return use(await compileFolder(dir, displayDir, options));
  }
}

/** Compiles every record under `dir` into the index's articles (see compileFolder). */
export function compileDirectory(
  dir: string,
  displayDir = path.basename(dir),
  options: CompileOptions = {},
): Promise<CompileResult> {
  return withCompiledFolder(dir, displayDir, options, ({ articles, version, problems, warnings, drafts }) => {
    const compiled = articles.map(({ json }) => {
      const bytes = json();
      return JSON.parse(typeof bytes === "string" ? bytes : decoder.decode(bytes)) as Article;
    });
    return { index: { version, articles: compiled }, problems, warnings, drafts };
  });
}

/**
 * Folds the source files under `dir` (the generated index excepted) into a content version.
 * Synchronous: a hundred small files read one await at a time left the build waiting on
 * the thread pool for longer than the reads took.
 */
export function sourceVersion(content: string, dir: string): string {
  const hash = createHash("sha256").update(content);
  const files = readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((file) => !file.includes("generated"))
    .sort();
  for (const file of files) {
    const full = path.join(dir, file);
    if (statSync(full).isFile()) hash.update(file).update(readFileSync(full));
  }
  return hash.digest("hex").slice(0, 16);
}
