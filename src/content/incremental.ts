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
import { listRecords, type RecordFile, readRecord } from "./folder.js";
import { compareArticles } from "./order.js";
import { PostingsBuilder } from "./postings.js";
import { byFile, type Problem } from "./problems.js";
import {
  type CachedRecord,
  compilerFingerprint,
  contentHash,
  type FileStamp,
  RecordCache,
  stampOf,
} from "./record-cache.js";
import { termClashes } from "./terms.js";
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
  /** Its JSON, exactly as the index holds it. */
  json: string | Uint8Array;
  /** The SHA-256 of its JSON (base64url). */
  digest: string;
  /** The keyword tokens, joined by spaces (a token never holds one). */
  tokens: string;
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
  /** The JSON of the articles' keyword postings (postingsOf, in feed order), in pieces. */
  postings: () => Uint8Array[];
}

/** Fewer records than this are compiled here: a worker thread costs more to start. */
const WORKER_THRESHOLD = 400;
/** Records handed to a worker at once. */
const CHUNK = 200;

type Job = CompileJob & { slot: number };

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
    for (let i = 0; i < threads; i++) this.spawn();
  }

  private spawn(): void {
    let worker: Worker;
    try {
      worker = new Worker(workerUrl());
    } catch {
      return;
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

/** Compiles every record under `dir`; `displayDir` is how files are named in problems. */
export async function compileFolder(
  dir: string,
  displayDir = path.basename(dir),
  options: CompileOptions = {},
): Promise<FolderResult> {
  const listing = listRecords(dir, displayDir);
  const problems = listing.problems;
  const warnings = listing.warnings;
  let cache: RecordCache | undefined;
  if (options.cache) {
    const opened = RecordCache.open(options.cache.folder, dir, compilerFingerprint(options.cache.root));
    cache = opened.cache;
    if (opened.ignored) options.note?.(`the build cache was ignored and is rebuilt: ${opened.ignored}`);
  }

  // A build with nothing cached starts its workers at once: they load the parsers while
  // this thread goes through the listing.
  const cold = !cache || cache.empty;
  let compiler = cold ? new Compiler(threadsFor(listing.records.length, options.workers)) : undefined;

  const slots: (CachedRecord | string | undefined)[] = [];
  const postings = new PostingsBuilder();
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
    const unchanged = stats?.isFile() && cache.takeUnchanged(record.name, record.file, stampOf(stats));
    if (unchanged) {
      slots.push(unchanged);
      if (unchanged.kind === "article") postings.add(slot, unchanged.tokens);
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
    else if (hit.kind === "article") postings.add(slot, hit.tokens);
  }

  if (jobs.length > 0) {
    compiler ??= new Compiler(threadsFor(jobs.length, options.workers));
    // Each file as it arrives, while the threads compile the next ones.
    await compiler.run(jobs, (job, result) => {
      if ("unread" in result) {
        slots[job.slot] = result.unread;
        return;
      }
      // The cache keeps the article's JSON as bytes; the index is written from the same bytes.
      cache?.put(job.name, result.hash, result.record, result.stamp);
      slots[job.slot] = result.record;
      if (result.record.kind === "article") postings.add(job.slot, result.record.tokens);
    });
  }
  await compiler?.close();

  const articles: FolderArticle[] = [];
  const terms: { file: string; terms: Extract<CachedRecord, { kind: "article" }>["terms"] }[] = [];
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
      articles.push(folderArticle(record, i, result));
      terms.push({ file: record.file, terms: result.terms });
    }
  }
  await cache?.save();

  problems.push(...termClashes(terms));
  // Problems in file order, as a writer goes through the folder (the sort is stable).
  problems.sort(byFile);
  warnings.sort(byFile);
  articles.sort(compareArticles);
  return {
    articles,
    version: contentVersion(articles),
    problems,
    warnings,
    drafts,
    cached: listing.records.length - jobs.length,
    compiled: jobs.length,
    postings: () => postings.json(articles.map((article) => article.slot)),
  };
}

function folderArticle(
  record: RecordFile,
  slot: number,
  compiled: Extract<CachedRecord, { kind: "article" }>,
): FolderArticle {
  const { json, digest, publishedMs, tokens } = compiled;
  return { id: record.id, file: record.file, slot, publishedMs, json, digest, tokens };
}

/**
 * The content version: a hash of the articles' JSON in feed order, through each one's
 * digest (computed where it was compiled, and cached), so that a rebuild does not hash
 * every article's JSON again.
 */
export function contentVersion(articles: readonly { digest: string }[]): string {
  const hash = createHash("sha256");
  for (const { digest } of articles) hash.update(digest);
  return hash.digest("hex").slice(0, 16);
}

export interface CompileResult {
  index: ContentIndex;
  problems: Problem[];
  /** Slips that do not stop the build, in file order. */
  warnings: Problem[];
  drafts: number;
}

const decoder = new TextDecoder();

/** Compiles every record under `dir` into the index's articles (see compileFolder). */
export async function compileDirectory(
  dir: string,
  displayDir = path.basename(dir),
  options: CompileOptions = {},
): Promise<CompileResult> {
  const { articles, version, problems, warnings, drafts } = await compileFolder(dir, displayDir, options);
  const compiled = articles.map(
    ({ json }) => JSON.parse(typeof json === "string" ? json : decoder.decode(json)) as Article,
  );
  return { index: { version, articles: compiled }, problems, warnings, drafts };
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
