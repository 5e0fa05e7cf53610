// The benches' generated corpora (scripts/generate-corpus.ts), one folder per size under
// the bench's work folder, reused while the size, seed and generator are the same.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { ROOT } from "./runtime.js";

export interface CorpusRow {
  n: number;
  dir: string;
  bytes: number;
  reused: boolean;
  seconds: number;
}

const MARKER = ".bench-corpus.json";

/** The generator's own hash is in the marker: a changed generator means new records. */
async function corpusStamp(n: number, seed: string) {
  const generator = await readFile(path.join(ROOT, "scripts", "generate-corpus.ts"));
  return { count: n, seed, generator: createHash("sha256").update(generator).digest("hex").slice(0, 16) };
}

async function markdownFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  return entries.filter((name) => name.endsWith(".md"));
}

async function totalBytes(dir: string, files: string[]): Promise<number> {
  let bytes = 0;
  for (let i = 0; i < files.length; i += 1000) {
    const sizes = await Promise.all(files.slice(i, i + 1000).map((name) => stat(path.join(dir, name))));
    bytes += sizes.reduce((sum, s) => sum + s.size, 0);
  }
  return bytes;
}

/** `work/<n>`: n records of `seed`, generated unless the folder already holds exactly them. */
export async function generatedCorpus(
  work: string,
  n: number,
  seed: string,
  progress: (message: string) => void,
): Promise<CorpusRow> {
  const dir = path.join(work, String(n));
  const stamp = await corpusStamp(n, seed);
  const marker = await readFile(path.join(dir, MARKER), "utf8").catch(() => "");
  const previous = marker ? (JSON.parse(marker) as typeof stamp & { bytes: number }) : undefined;
  const files = await markdownFiles(dir);
  if (previous && JSON.stringify({ ...previous, bytes: undefined }) === JSON.stringify(stamp) && files.length === n) {
    return { n, dir, bytes: previous.bytes, reused: true, seconds: 0 };
  }
  progress(`generating ${n} records into ${dir}`);
  await rm(path.join(dir, MARKER), { force: true });
  const started = performance.now();
  const args = ["tsx", "scripts/generate-corpus.ts", "--count", String(n), "--out", dir, "--seed", seed, "--force"];
  await promisify(execFile)("npx", args, { cwd: ROOT, maxBuffer: 16 * 2 ** 20 });
  const bytes = await totalBytes(dir, await markdownFiles(dir));
  await writeFile(path.join(dir, MARKER), JSON.stringify({ ...stamp, bytes }));
  return { n, dir, bytes, reused: false, seconds: (performance.now() - started) / 1000 };
}
