// `npm run bench:build` (and part of `npm run bench`): the build as a publisher runs it,
// `node scripts/launch.mjs build`, wall time and peak memory of the whole process: a full
// build (nothing cached) of 1k, 10k and 100k generated records, a rebuild after editing
// one record, and Hugo on the same 10k files, runs interleaved with ours. Prints a table,
// writes bench-results/build.json and the figures section of docs/building.md.
import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { readIndexFiles } from "../../src/content/index-files.js";
import { RecordCache } from "../../src/content/record-cache.js";
import { type CorpusRow, generatedCorpus } from "./corpus.js";
import { hugoCommand, writeHugoSite } from "./hugo-site.js";
import { LoadSampler, machineLine, markdownTable, writeSection } from "./report.js";
import { ROOT } from "./runtime.js";

const USAGE = `usage: npm run bench:build   (tsx scripts/bench/build.ts)
Full builds (nothing cached) of 1,000, 10,000 and 100,000 generated records, one-edit
rebuilds at 10,000 and 100,000, and Hugo on the same 10,000 files when it is installed.
BENCH_SIZES=1000,10000 measures fewer sizes; BUILD_RUNS=N runs each figure N times
(default 5; 3 at 100,000); BENCH_DOC=0 leaves docs/building.md alone.`;

// Run by itself it takes no options; `npm run bench` imports it with its own.
const direct = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (direct && process.argv.length > 2) {
  const help = process.argv.includes("--help") || process.argv.includes("-h");
  (help ? console.log : console.error)(help ? USAGE : `bench:build: takes no options\n\n${USAGE}`);
  process.exit(help ? 0 : 2);
}

const SIZES = (process.env.BENCH_SIZES ?? "1000,10000,100000").split(",").map(Number);
const RUNS = Number(process.env.BUILD_RUNS ?? 5);
const EDIT_SIZES = new Set([10_000, 100_000]);
const HUGO_SIZE = 10_000;
const SEED = "1";
const WORK = path.resolve(process.env.BENCH_WORK ?? path.join(ROOT, ".cache", "bench"));
const CACHE = path.join(WORK, "build-cache");
const RESULTS = path.join(ROOT, "bench-results", "build.json");
const BUILDING_DOC = path.join(ROOT, "docs", "building.md");
const TARGET_100K_MS = 15_000;
const TARGET_100K_BYTES = 2 ** 30;
const TARGET_EDIT_10K_MS = 300;

const began = performance.now();
const progress = (message: string) =>
  console.error(`[bench:build ${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s] ${message}`);
const load1 = () => os.loadavg()[0] ?? 0;

interface Run {
  ms: number;
  peakBytes: number;
  /** The 1-minute load average when the run started. */
  load: number;
}

/** Runs a command under GNU time for its peak RSS (threads included); fails loudly. */
function timed(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  const rssFile = path.join(WORK, "build-bench.maxrss");
  return new Promise((resolve, reject) => {
    const load = load1();
    const started = performance.now();
    const child = spawn("/usr/bin/time", ["-f", "%M", "-o", rssFile, command, ...args], {
      cwd: ROOT,
      env,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", async (code) => {
      const ms = performance.now() - started;
      if (code !== 0) return reject(new Error(`${command} ${args.join(" ")} exited ${code}:\n${stderr.slice(-2000)}`));
      const kib = Number((await readFile(rssFile, "utf8")).trim().split("\n").at(-1));
      resolve({ ms, peakBytes: kib * 1024, load });
    });
  });
}

const indexFile = (n: number) => path.join(WORK, `build-bench-index-${n}.js`);

/** Our build of the corpus, as `npm run build` runs it, minus npm's own start-up. */
const build = (corpus: CorpusRow) =>
  timed(process.execPath, [path.join(ROOT, "scripts", "launch.mjs"), "build"], {
    ...process.env,
    CONTENT_DIR: corpus.dir,
    INDEX_OUT: indexFile(corpus.n),
    BUILD_CACHE_DIR: CACHE,
  });

/** A full build: the corpus's cache file removed first (the launcher's bundle stays). */
async function fullBuild(corpus: CorpusRow): Promise<Run> {
  const cacheFile = RecordCache.fileFor(CACHE, corpus.dir);
  // The folder-wide steps' file too: a full build makes them from every record.
  await rm(cacheFile, { force: true });
  await rm(cacheFile.replace(/\.bin$/, ".steps"), { force: true });
  return build(corpus);
}

interface Figure {
  what: string;
  n: number;
  runs: Run[];
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const medianMs = (figure: Figure) => median(figure.runs.map((run) => run.ms));
const peak = (figure: Figure) => Math.max(...figure.runs.map((run) => run.peakBytes));
const seconds = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 1000).toFixed(2)} s`);
const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
const loads = (figure: Figure) => {
  const values = figure.runs.map((run) => run.load);
  return `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`;
};

const hugoInstalled = () => {
  try {
    execFileSync("hugo", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};

/**
 * Edits one record of the corpus, a different one each round, and returns its original
 * bytes: odd rounds append a sentence to its body, even rounds put a new word in its title
 * (which changes its keyword tokens, so the postings must follow).
 */
async function editOne(corpus: CorpusRow, names: string[], round: number): Promise<[string, Buffer]> {
  const file = path.join(corpus.dir, names[(round * 7919) % names.length] as string);
  const original = await readFile(file);
  const edited =
    round % 2 === 1
      ? Buffer.concat([original, Buffer.from(`\nEdited for the build bench, round ${round}.\n`)])
      : Buffer.from(original.toString("utf8").replace(/^title: "/m, `title: "Benchround${round} `));
  await writeFile(file, edited);
  return [file, original];
}

async function measure(corpus: CorpusRow, hugoSite: string | undefined): Promise<Figure[]> {
  const runs = corpus.n >= 100_000 ? Math.min(RUNS, 3) : RUNS;
  const figures: Figure[] = [];
  const full: Figure = { what: "full build", n: corpus.n, runs: [] };
  const hugo: Figure = { what: "Hugo 0.111, same files", n: corpus.n, runs: [] };
  // One unmeasured round first: the page cache holds the files for both.
  progress(`N=${corpus.n}: warming up`);
  await fullBuild(corpus);
  const [command, args] = hugoSite ? hugoCommand(hugoSite) : ["", []];
  if (hugoSite) await timed(command, args);
  for (let round = 1; round <= runs; round++) {
    progress(`N=${corpus.n}: full build, run ${round} of ${runs}${hugoSite ? " (then Hugo)" : ""}`);
    full.runs.push(await fullBuild(corpus));
    if (hugoSite) hugo.runs.push(await timed(command, args));
  }
  figures.push(full);
  if (hugoSite) figures.push(hugo);
  const reference = readIndexFiles(indexFile(corpus.n));

  const unchanged: Figure = { what: "rebuild, nothing changed", n: corpus.n, runs: [] };
  await build(corpus);
  for (let round = 1; round <= runs; round++) unchanged.runs.push(await build(corpus));
  if (!isDeepStrictEqual(readIndexFiles(indexFile(corpus.n)), reference)) {
    throw new Error(`N=${corpus.n}: the cached build's index differs from the full build's`);
  }
  figures.push(unchanged);

  if (EDIT_SIZES.has(corpus.n)) {
    const edited: Figure = { what: "rebuild after editing one record", n: corpus.n, runs: [] };
    const names = (await readdir(corpus.dir)).filter((name) => name.endsWith(".md")).sort();
    const originals = new Map<string, Buffer>();
    try {
      for (let round = 1; round <= runs; round++) {
        progress(`N=${corpus.n}: one-edit rebuild, run ${round} of ${runs}`);
        const [file, original] = await editOne(corpus, names, round);
        if (!originals.has(file)) originals.set(file, original);
        edited.runs.push(await build(corpus));
      }
    } finally {
      for (const [file, original] of originals) await writeFile(file, original);
    }
    figures.push(edited);
  }
  return figures;
}

async function main() {
  const loadSampler = new LoadSampler();
  await mkdir(WORK, { recursive: true });
  console.log("# Build bench");
  console.log(machineLine(loadSampler));
  // The launcher bundles the build once; that is not part of any figure.
  const corpora: CorpusRow[] = [];
  for (const n of SIZES) corpora.push(await generatedCorpus(WORK, n, SEED, progress));
  const withHugo = hugoInstalled();
  const figures: Figure[] = [];
  for (const corpus of corpora) {
    let site: string | undefined;
    if (withHugo && corpus.n === HUGO_SIZE) {
      site = path.join(WORK, `hugo-${corpus.n}`);
      await writeHugoSite(corpus.dir, site);
    }
    figures.push(...(await measure(corpus, site)));
  }

  const find = (what: string, n: number) => figures.find((figure) => figure.what.startsWith(what) && figure.n === n);
  const ours10k = find("full build", HUGO_SIZE);
  const hugo10k = find("Hugo", HUGO_SIZE);
  const full100k = find("full build", 100_000);
  const edit10k = find("rebuild after", 10_000);
  const targets = [
    ours10k && hugo10k
      ? `full build of 10,000 ≤ Hugo's time: ${seconds(medianMs(ours10k))} vs ${seconds(medianMs(hugo10k))}, ratio ${(medianMs(ours10k) / medianMs(hugo10k)).toFixed(2)} — ${medianMs(ours10k) <= medianMs(hugo10k) ? "met" : "not met"}`
      : "full build of 10,000 vs Hugo: not measured (Hugo not installed, or 10,000 not among BENCH_SIZES)",
    full100k
      ? `full build of 100,000 ≤ 15 s and ≤ 1 GiB: ${seconds(medianMs(full100k))}, ${mib(peak(full100k))} — ${medianMs(full100k) <= TARGET_100K_MS && peak(full100k) <= TARGET_100K_BYTES ? "met" : "not met"}`
      : "full build of 100,000: not measured",
    edit10k
      ? `one-edit rebuild of 10,000 ≤ 0.3 s: ${seconds(medianMs(edit10k))} — ${medianMs(edit10k) <= TARGET_EDIT_10K_MS ? "met" : "not met"}`
      : "one-edit rebuild of 10,000: not measured",
  ];
  const table = markdownTable(
    ["N", "what", "median wall", "min–max", "peak RSS", "runs", "load avg (1 min) at start"],
    figures.map((figure) => {
      const times = figure.runs.map((run) => run.ms);
      return [
        figure.n.toLocaleString("en"),
        figure.what,
        seconds(medianMs(figure)),
        `${seconds(Math.min(...times))}–${seconds(Math.max(...times))}`,
        mib(peak(figure)),
        String(figure.runs.length),
        loads(figure),
      ];
    }),
  );
  const method = [
    `Records: \`npm run corpus -- --count N --seed ${SEED}\`. Ours: \`node scripts/launch.mjs build\` (what \`npm run build\` runs, without npm's own start-up), wall time and peak RSS of the whole process (worker threads included) by GNU time; "full build" removes the corpus's cache and steps files first, the launcher's bundle stays built.`,
    `Hugo: ${hugoCommand("SITE")[0]} ${hugoCommand("SITE")[1].join(" ")} on a site written by scripts/bench/hugo-site.ts (the same files as its content, one RSS feed of every page). Each figure's runs interleave ours and Hugo's, after one unmeasured round of each.`,
    "One edit: a sentence appended to one record's body (odd runs) or a new word put in its title (even runs), a different record each run, restored afterwards. Every cached build's index is checked byte for byte against the full build's.",
  ];
  const body = [
    machineLine(loadSampler),
    "",
    table,
    "",
    ...targets.map((line) => `- ${line}`),
    "",
    ...method.map((line) => `- ${line}`),
  ].join("\n");
  console.log(`\n${body}`);
  await mkdir(path.dirname(RESULTS), { recursive: true });
  await writeFile(RESULTS, `${JSON.stringify({ machine: machineLine(loadSampler), figures, targets }, null, 2)}\n`);
  if (existsSync(BUILDING_DOC)) await writeSection("build", body, BUILDING_DOC);
  loadSampler.stop();
}

await main();
