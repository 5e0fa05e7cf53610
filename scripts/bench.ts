// `npm run bench`: build, render (miss, naive baseline, hit, 304), bundle and cold start at 1k/10k/100k
// generated records, and the D1 store at 100k/1M; prints tables and writes bench-results/bench.json.
// Never fails on a target.
import { type SpawnOptions, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { type AddressInfo, createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { stripVTControlCharacters } from "node:util";
import { gzipSync } from "node:zlib";
import { copyIndexFiles, indexBytes } from "../src/content/index-files.js";
import { type CorpusRow, generatedCorpus } from "./bench/corpus.js";
import { D1_PATHS, type D1Cell, d1Section, measureD1, measureTerms } from "./bench/d1.js";
import { measureEmbed } from "./bench/embed.js";
import type { Cell, InprocResult } from "./bench/inproc.js";
import { LoadSampler, machineLine, markdownTable, writeSection } from "./bench/report.js";
import {
  BASELINE_LIMIT,
  FIXED_NOW,
  LIMITS,
  ROOT,
  summarize,
  workerCompatibility,
  workerVars,
} from "./bench/runtime.js";
import type { StartupRun } from "./bench/startup.js";
import { EMPTY_WORKER, type WorkerdStart, workerdColdStart } from "./bench/workerd.js";

const USAGE = `usage: npm run bench [-- --only e2e|build]    (tsx scripts/bench.ts)
Generates corpora of 1,000, 10,000 and 100,000 records, builds them and measures renders,
cache hits, 304s, bundles, workerd cold starts and the D1 store at 100k and 1M articles.
About 3 to 5 minutes and several hundred MB in $BENCH_WORK (default .cache/bench, per
checkout; corpora are reused). Prints tables, writes bench-results/bench.json and the bench
and d1 sections of docs/performance.md, then runs the end-to-end bench (scripts/bench/e2e.ts,
its own section), and the build bench (scripts/bench/build.ts: full and one-edit builds with
the cache, and Hugo on the same files; its section of docs/building.md); --only e2e or
--only build runs one of those alone. BENCH_DOC=0 leaves the docs alone; BENCH_SIZES=1000,10000
measures fewer corpora; BENCH_SKIP=d1,e2e,build leaves those parts out.`;

const only = process.argv.length === 4 && process.argv[2] === "--only" ? process.argv[3] : undefined;
const onlyE2e = only === "e2e";
const onlyBuild = only === "build";
if (process.argv.length > 2 && !onlyE2e && !onlyBuild) {
  const help = process.argv.includes("--help") || process.argv.includes("-h");
  (help ? console.log : console.error)(help ? USAGE : `bench: takes no options\n\n${USAGE}`);
  process.exit(help ? 0 : 2);
}

/** BENCH_SIZES=1000,10000: fewer corpora, for a machine that cannot build 100k in time. */
const SIZES: readonly number[] = process.env.BENCH_SIZES
  ? process.env.BENCH_SIZES.split(",").map(Number)
  : [1_000, 10_000, 100_000];
/** BENCH_SKIP=d1,e2e: leave out the D1 sections or the end-to-end bench that follows. */
const SKIP = new Set((process.env.BENCH_SKIP ?? "").split(","));
const SEED = "1";
// Per checkout, not a shared temp folder: two checkouts benchmarking at once would
// overwrite each other's corpora and bundles.
const WORK = path.resolve(process.env.BENCH_WORK ?? path.join(ROOT, ".cache", "bench"));
const RESULTS = path.join(ROOT, "bench-results", "bench.json");
const GENERATED = path.join(ROOT, ".generated");
const STARTUP_RUNS = 3;
const MIB = 2 ** 20;
const LIMIT_BUNDLE_BYTES = 64 * MIB;
const LIMIT_STARTUP_MS = 1000;
const LIMIT_ISOLATE_MIB = 128;
const TARGET_BUILD_MS = 5000;
const TARGET_SCALING = 1.2;
const TARGET_HIT = 1.5;

const began = performance.now();
const progress = (message: string) =>
  console.error(`[bench ${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s] ${message}`);

// ---- child processes

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(command: string, args: string[], options: SpawnOptions = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], ...options });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr?.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }));
  });
}

async function runOk(command: string, args: string[], options: SpawnOptions = {}): Promise<Ran> {
  const ran = await run(command, args, options);
  if (ran.code !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited ${ran.code}:\n${(ran.stderr || ran.stdout).slice(-3000)}`);
  }
  return ran;
}

const lastLine = (text: string) => text.trim().split("\n").at(-1) ?? "";

/** Runs a TypeScript helper under tsx with plain `node`, so no npx start-up is timed. */
const nodeTsx = (script: string, args: string[], flags: string[] = []) =>
  runOk(process.execPath, [...flags, "--import", "tsx", path.join(ROOT, "scripts", "bench", script), ...args]);

// ---- 1. corpora

const ensureCorpus = (n: number) => generatedCorpus(WORK, n, SEED, progress);

// ---- 2. build

interface BuildRow {
  n: number;
  articles: number;
  wallMs: number;
  /** The build's own figure ("in N ms"), without npx and tsx start-up. */
  scriptMs: number;
  peakRssBytes: number;
  indexBytes: number;
  indexFile: string;
}

/** Peak RSS of the child: GNU time where present, else a wrapper reading its own maxRSS. */
function measuredBuild(rssFile: string): [string, string[]] {
  if (existsSync("/usr/bin/time"))
    return ["/usr/bin/time", ["-f", "%M", "-o", rssFile, "npx", "tsx", "scripts/build.ts", "--no-cache"]];
  const wrapper = `import { writeFileSync } from "node:fs";
process.on("exit", () => writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));
await import(${JSON.stringify(path.join(ROOT, "scripts", "build.ts"))});`;
  return [process.execPath, ["--import", "tsx", "--input-type=module", "--eval", wrapper, "--", "--no-cache"]];
}

async function buildIndex(corpus: CorpusRow): Promise<BuildRow> {
  const indexFile = path.join(WORK, `index-${corpus.n}.js`);
  const rssFile = path.join(WORK, `build-${corpus.n}.maxrss`);
  progress(`building the index of ${corpus.n} records`);
  const [command, args] = measuredBuild(rssFile);
  const env = { ...process.env, CONTENT_DIR: corpus.dir, INDEX_OUT: indexFile };
  const ran = await runOk(command, args, { env });
  const built = /built (\d+) articles.* in (\d+) ms/.exec(ran.stdout);
  // GNU time prefixes a note when the command fails; the figure is the last line (KiB).
  const maxRssKiB = Number(lastLine(await readFile(rssFile, "utf8")));
  return {
    n: corpus.n,
    articles: Number(built?.[1]),
    wallMs: ran.ms,
    scriptMs: Number(built?.[2]),
    peakRssBytes: maxRssKiB * 1024,
    indexBytes: indexBytes(indexFile),
    indexFile,
  };
}

// ---- 3–5. in-process figures, every size in one fresh Node

async function measureInProcess(builds: BuildRow[]): Promise<InprocResult[]> {
  progress("rendering, naive baseline and cache figures (all sizes interleaved in one process)");
  const ran = await nodeTsx(
    "inproc.ts",
    builds.map((b) => b.indexFile),
    ["--expose-gc"],
  );
  return JSON.parse(lastLine(ran.stdout)) as InprocResult[];
}

// ---- 6. bundle size and cold start

interface BundleRow {
  n: number;
  ok: boolean;
  bytes: number;
  gzipBytes: number;
  /** The Worker's entry module, as deployed. */
  file?: string;
  error?: string;
}

/**
 * A private copy of the Worker (src/, wrangler.toml without [build]) with the index of N in
 * .generated/. Swapping the live .generated/content-index.js does not work in a shared
 * checkout: a running `wrangler dev` rebuilds content/ over it on the next edit.
 */
async function stageWorker(indexFile: string): Promise<string> {
  const dir = path.join(WORK, "worker");
  await rm(dir, { recursive: true, force: true });
  await cp(path.join(ROOT, "src"), path.join(dir, "src"), { recursive: true });
  await cp(GENERATED, path.join(dir, ".generated"), { recursive: true });
  copyIndexFiles(indexFile, path.join(dir, ".generated", "content-index.js"));
  // The index is given; wrangler must not rebuild it from content/.
  const toml = await readFile(path.join(ROOT, "wrangler.toml"), "utf8");
  await writeFile(path.join(dir, "wrangler.toml"), toml.replace(/^\[build\][\s\S]*?(?=^\[)/m, ""));
  for (const shared of ["node_modules", "public"]) await symlink(path.join(ROOT, shared), path.join(dir, shared));
  return dir;
}

async function bundle(build: BuildRow): Promise<BundleRow> {
  const outdir = path.join(WORK, `bundle-${build.n}`);
  await rm(outdir, { recursive: true, force: true });
  progress(`wrangler deploy --dry-run with the index of N=${build.n}`);
  const cwd = await stageWorker(build.indexFile);
  const env = { ...process.env, WRANGLER_SEND_METRICS: "false" };
  const ran = await run("npx", ["wrangler", "deploy", "--dry-run", "--outdir", outdir], { cwd, env });
  const scripts = (await readdir(outdir).catch(() => [] as string[])).filter((name) => name.endsWith(".js"));
  if (ran.code !== 0 || scripts.length === 0) {
    const error = lastLine(stripVTControlCharacters(ran.stderr || ran.stdout)).slice(0, 200);
    return { n: build.n, ok: false, bytes: 0, gzipBytes: 0, error };
  }
  const code = Buffer.concat(await Promise.all(scripts.map((name) => readFile(path.join(outdir, name)))));
  const file = path.join(outdir, "index.js");
  return { n: build.n, ok: true, bytes: code.byteLength, gzipBytes: gzipSync(code).byteLength, file };
}

interface StartupRow extends StartupRun {
  n: number;
  runs: StartupRun[];
}

/** The median of each figure over the runs (each column on its own). */
function medianRun<T extends object>(runs: T[]): T {
  const keys = Object.keys(runs[0] as T) as (keyof T)[];
  return Object.fromEntries(keys.map((key) => [key, summarize(runs.map((r) => r[key] as number)).medianMs])) as T;
}

/** Runs go round the sizes in turn, so a burst of load elsewhere does not hit one size's runs only. */
async function startups(builds: BuildRow[]): Promise<StartupRow[]> {
  // One unmeasured run fills tsx's transpile cache, so no measured run pays for it.
  await nodeTsx("startup.ts", [(builds[0] as BuildRow).indexFile]);
  const runs = builds.map((): StartupRun[] => []);
  for (let round = 1; round <= STARTUP_RUNS; round++) {
    for (const [i, build] of builds.entries()) {
      progress(`cold start at N=${build.n}, run ${round} of ${STARTUP_RUNS}`);
      const ran = await nodeTsx("startup.ts", [build.indexFile]);
      runs[i]?.push(JSON.parse(lastLine(ran.stdout)) as StartupRun);
    }
  }
  return builds.map((build, i) => ({ n: build.n, ...medianRun(runs[i] ?? []), runs: runs[i] ?? [] }));
}

interface WorkerdRow extends WorkerdStart {
  /** The corpus size, or undefined for the empty Worker (the baseline). */
  n?: number;
  runs: WorkerdStart[];
}

/** A loopback port nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Each bundle in a fresh workerd, and the empty Worker as the baseline, in rounds that go
 * round them all in turn, as the Node cold starts do.
 */
async function workerdStarts(bundles: BundleRow[]): Promise<{ empty: WorkerdRow; sizes: WorkerdRow[] }> {
  const vars = workerVars();
  const compatibility = workerCompatibility();
  const scripts = [
    { label: "the empty Worker", n: undefined, script: { source: EMPTY_WORKER }, pathname: "/" },
    ...bundles.flatMap((b) =>
      b.ok && b.file ? [{ label: `N=${b.n}`, n: b.n, script: { file: b.file }, pathname: "/feed.json" }] : [],
    ),
  ];
  const runs = scripts.map((): WorkerdStart[] => []);
  for (let round = 1; round <= STARTUP_RUNS; round++) {
    for (const [i, { label, script, pathname }] of scripts.entries()) {
      progress(`workerd cold start, ${label}, run ${round} of ${STARTUP_RUNS}`);
      runs[i]?.push(await workerdColdStart(script, WORK, await freePort(), vars, compatibility, pathname));
    }
  }
  const rows = scripts.map(({ n }, i): WorkerdRow => ({ n, ...medianRun(runs[i] ?? []), runs: runs[i] ?? [] }));
  return { empty: rows[0] as WorkerdRow, sizes: rows.slice(1) };
}

// ---- printing

const int = (value: number) => Math.round(value).toLocaleString("en-US");
const mib = (bytes: number) => `${(bytes / MIB).toFixed(1)} MiB`;
const ms = (value: number) => (value < 10 ? value.toFixed(3) : value < 100 ? value.toFixed(1) : value.toFixed(0));
const ratio = (value: number) => `${value.toFixed(2)}×`;
const verdict = (ok: boolean) => (ok ? "yes" : "NO");
const percent = (fraction: number) => `${(100 * fraction).toFixed(0)}%`;
/** 1-minute load average: this 2-core machine is shared, so say how busy it was. */
const load = () => os.loadavg()[0]?.toFixed(2) ?? "?";

/** Every table printed, as Markdown: the bench section of docs/performance.md. */
const published: string[] = [];

/** Prints a table; `section: false` for tables that have their own section (D1's). */
function printTable(title: string, notes: string[], header: string[], rows: string[][], section = true): void {
  if (section)
    published.push(
      [
        `#### ${title}`,
        ...(notes.length > 0 ? ["", notes.map((n) => n.trim()).join(" ")] : []),
        "",
        markdownTable(header, rows),
      ].join("\n"),
    );
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join("  ");
  console.log(`\n## ${title}`);
  for (const note of notes) console.log(`   ${note}`);
  console.log(line(header));
  console.log(widths.map((width) => "-".repeat(width)).join("  "));
  for (const row of rows) console.log(line(row));
}

function machine() {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memoryBytes: os.totalmem(),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAtStart: load(),
  };
}

const METHOD = [
  `Corpora: scripts/generate-corpus.ts --seed ${SEED} into ${WORK}/<N>, reused when the same N, seed and generator.`,
  "Build: `npx tsx scripts/build.ts --no-cache` as a child (CONTENT_DIR, INDEX_OUT); wall time includes npx and tsx start-up (the build bench, scripts/bench/build.ts, times `npm run build` as shipped).",
  "Requests: Node on the same source the Worker runs (src/ via tsx), app.fetch(new Request(url), env, ctx) with",
  `  wrangler.toml [vars], a stub ctx and a fake caches.default; clock fixed at ${new Date(FIXED_NOW).toISOString()}.`,
  "  Timer: app.fetch + reading the body (performance.now); the Request is built and waitUntil work awaited outside it.",
  "  All sizes load into one fresh `node --expose-gc` (gc before each cell). Per cell and size: 30 warm-up requests,",
  "  then 300 timed, taken in rounds of 10 per size in turn so machine drift hits every size alike (at least 30",
  "  when a cell passes 8 s over all sizes; n is in bench.json). p99 is nearest-rank.",
  "Bundle: `wrangler deploy --dry-run` on a private copy of src/ with the index of N. Start-up: that bundle in a",
  "  fresh workerd, and the same code in a fresh Node for a breakdown; Workers allow 1 s of start-up CPU and",
  "  128 MB of memory per isolate.",
];

function printCorpora(rows: CorpusRow[]) {
  printTable(
    "1. Corpora",
    [`generate-corpus.ts --seed ${SEED}; N records of which ~2% drafts (never compiled) and ~0.5% scheduled`],
    ["N", ".md files", "size", "generated in", "folder"],
    rows.map((r) => [
      int(r.n),
      int(r.n),
      mib(r.bytes),
      r.reused ? "reused" : `${r.seconds.toFixed(1)} s`,
      path.relative(ROOT, r.dir),
    ]),
  );
}

function printBuild(rows: BuildRow[]) {
  printTable(
    "2. Build (npm run build on the corpus)",
    ["target: 10,000 records < 5 s (judged on wall time; the build's own timer is shown too)"],
    ["N", "articles", "wall", "build's own", "peak RSS", "index file", "< 5 s at 10k"],
    rows.map((r) => [
      int(r.n),
      int(r.articles),
      `${(r.wallMs / 1000).toFixed(2)} s`,
      `${(r.scriptMs / 1000).toFixed(2)} s`,
      mib(r.peakRssBytes),
      mib(r.indexBytes),
      r.n === 10_000 ? `wall ${verdict(r.wallMs < TARGET_BUILD_MS)}, own ${verdict(r.scriptMs < TARGET_BUILD_MS)}` : "",
    ]),
  );
}

type Measured = { n: number; result: InprocResult };

const cellText = (cell: { medianMs: number; p99Ms: number }) => `${ms(cell.medianMs)} / ${ms(cell.p99Ms)}`;

function scalingRatio(measured: Measured[], pick: (r: InprocResult) => { medianMs: number } | undefined) {
  const small = pick((measured[0] as Measured).result);
  const large = pick((measured.at(-1) as Measured).result);
  return small && large ? large.medianMs / small.medianMs : Number.NaN;
}

const FORMAT_ORDER = ["rss", "atom", "json"] as const;

/** One table row: a view's median / p99 at each size and the largest-to-smallest ratio. */
function renderRow(view: string, measured: Measured[], pick: (r: InprocResult) => Cell | undefined): string[] {
  const scaling = scalingRatio(measured, pick);
  const cells = measured.map((m) => {
    const cell = pick(m.result);
    return cell ? cellText(cell) : "-";
  });
  return [view, ...cells, ratio(scaling), verdict(scaling <= TARGET_SCALING)];
}

function printRender(measured: Measured[]) {
  const sizes = measured.map((m) => `N=${int(m.n)} med / p99`);
  const rows = LIMITS.flatMap((limit) =>
    FORMAT_ORDER.map((format) =>
      renderRow(
        `${format} limit=${limit}`,
        measured,
        (r) => r.render.find((x) => x.format === format && x.limit === limit)?.cell,
      ),
    ),
  );
  const filteredPath = measured[0]?.result.filtered.path ?? "";
  rows.push(renderRow(`filtered ${filteredPath}`, measured, (r) => r.filtered.cell));
  for (const format of FORMAT_ORDER) {
    const view = `${format} limit=${BASELINE_LIMIT}, unseen pages`;
    rows.push(renderRow(view, measured, (r) => r.unseen.find((x) => x.format === format)?.cell));
  }
  printTable(
    "3. Render on a cache miss (ms per request)",
    [
      "Node running the same code the Worker runs: createApp + BundledStore over the built index, every lookup a miss.",
      "Rows repeat one URL, so the renderers' per-article memo (src/feed/memo.ts) is warm: the steady state of an",
      "isolate. `unseen pages` rows (measured first) walk pages 4, 5, … once each, then the same pages of fresh copies",
      "of the index: every item is rendered for the first time in this process, as after a deploy or for old pages.",
      `target: median at N=${int(measured.at(-1)?.n ?? 0)} / median at N=${int(measured[0]?.n ?? 0)} <= ${TARGET_SCALING}`,
    ],
    ["view", ...sizes, "ratio", "<= 1.2"],
    rows,
  );
}

/** Keyword and top views (issue 18) on a miss, each against the plain miss timed beside it. */
function printKeywordTop(measured: Measured[]) {
  const rows = measured.flatMap((m) =>
    [...m.result.keywords, m.result.top].map((view) => {
      const versus = view.cell.medianMs / view.plain.medianMs;
      // The 2× target is the keyword views'; a top view ranks its whole window.
      const judged = view !== m.result.top;
      return [
        view.label,
        view.path,
        int(m.n),
        cellText(view.cell),
        cellText(view.plain),
        ratio(versus),
        judged ? verdict(versus <= 2) : "—",
      ];
    }),
  );
  printTable(
    "3b. Keyword and top views on a cache miss (ms per request)",
    [
      `The same harness as table 3; plain = /atom.xml?limit=${BASELINE_LIMIT}, timed in one loop with the views of its`,
      "  corpus, request by request in turn. Target: a keyword miss within 2× a plain miss at 100,000 records.",
      "  Words are picked by the share of the newest 20,000 articles whose title or excerpt holds them.",
    ],
    ["view", "path", "N", "med / p99", "plain med / p99", "vs plain", "<= 2×"],
    rows,
  );
}

function printNaive(measured: Measured[]) {
  const rows = FORMAT_ORDER.flatMap((format) =>
    measured.map((m) => {
      const naive = m.result.naive.find((x) => x.format === format)?.cell;
      const ours = m.result.render.find((x) => x.format === format && x.limit === BASELINE_LIMIT)?.cell;
      const unseen = m.result.unseen.find((x) => x.format === format)?.cell;
      const versus = (cell: Cell | undefined) => (naive && cell ? ratio(cell.medianMs / naive.medianMs) : "-");
      return [
        `${format} limit=${BASELINE_LIMIT}`,
        int(m.n),
        naive ? ms(naive.medianMs) : "-",
        naive ? String(naive.n) : "-",
        ours ? ms(ours.medianMs) : "-",
        versus(ours),
        unseen ? ms(unseen.medianMs) : "-",
        versus(unseen),
      ];
    }),
  );
  printTable(
    "4. Naive baseline (same run, same harness: a Hono route through app.fetch)",
    [
      "naive, per request: all records → filter publishedMs <= now → sort newest first → page → new Feed() (feed 6.0.0)",
      "  → rss2()/atom1()/json1(). It does less than ours: no ETag hash, no cache logic, no paging/archive links,",
      "  no media/related/provider elements, no memo. The index arrives sorted, so its sort is one linear TimSort pass.",
    ],
    ["view", "N", "naive median", "n", "ours (memo warm)", "ours/naive", "ours (unseen pages)", "unseen/naive"],
    rows,
  );
}

function printCache(measured: Measured[]) {
  printTable(
    `5. Cache hit and 304 (GET /atom.xml?limit=${BASELINE_LIMIT}, ms per request)`,
    [
      "Fake caches.default backed by a Map (stores the body bytes + headers, answers a new Response per match),",
      "primed by one miss; constant = a bare Hono route answering a string of the hit's body size via app.fetch.",
      "A hit streams the stored body (the match's Response, re-wrapped by cache.ts); 304 and constant do not.",
      "pass-through = the constant route answering with the body of a stored Response, as any Cache API hit must:",
      "  hit/pass-through is what the app's own code adds to that step.",
      "The four paths at every N are timed in one loop, request by request in turn, so their ratios compare",
      "  requests made under the same heap, JIT state and machine load.",
      `target: hit within ${TARGET_HIT}× of the constant handler`,
    ],
    [
      "N",
      "hit med / p99",
      "304 med / p99",
      "constant med / p99",
      "pass-through med / p99",
      "hit/const",
      "304/const",
      "hit/pass-through",
      `hit <= ${TARGET_HIT}×`,
    ],
    measured.map(({ n, result: { cache } }) => {
      const hitRatio = cache.hit.medianMs / cache.constant.medianMs;
      return [
        int(n),
        cellText(cache.hit),
        cellText(cache.notModified),
        cellText(cache.constant),
        cellText(cache.passThrough),
        ratio(hitRatio),
        ratio(cache.notModified.medianMs / cache.constant.medianMs),
        ratio(cache.hit.medianMs / cache.passThrough.medianMs),
        verdict(hitRatio <= TARGET_HIT),
      ];
    }),
  );
}

/** The start-up figures of one corpus size: Node's breakdown, and workerd's against its empty Worker. */
interface Startup {
  n: number;
  bundle?: BundleRow;
  node?: StartupRow;
  workerd?: WorkerdRow;
}

/** What loading the script and answering once adds to the empty Worker's run, wall and CPU. */
function workerdCost(start: Startup, empty: WorkerdRow) {
  const w = start.workerd;
  return w
    ? {
        wallMs: w.firstResponseMs - empty.firstResponseMs,
        cpuMs: w.cpuMs - empty.cpuMs,
        rssMiB: w.rssMiB - empty.rssMiB,
      }
    : undefined;
}

/**
 * Each Workers limit as a fraction used at one size. Start-up: workerd's cost over the
 * empty Worker, the larger of wall and CPU. Memory: the V8 heap in use after the first
 * response (Node's figure: workerd reports only its process's RSS, which holds the
 * script's source and the runtime too).
 */
function limitUse(start: Startup, empty: WorkerdRow) {
  const cost = workerdCost(start, empty);
  return {
    "start-up": cost ? Math.max(cost.wallMs, cost.cpuMs) / LIMIT_STARTUP_MS : Number.NaN,
    size: start.bundle?.ok ? start.bundle.bytes / LIMIT_BUNDLE_BYTES : Number.NaN,
    memory: start.node ? start.node.heapMiB / LIMIT_ISOLATE_MIB : Number.NaN,
  };
}

type LimitName = keyof ReturnType<typeof limitUse>;

/** Where a limit's use reaches 100%, on a straight line between the measured sizes around it. */
function crossing(points: { n: number; use: number }[]): number | undefined {
  for (let i = 1; i < points.length; i++) {
    const [a, b] = [points[i - 1], points[i]];
    if (a && b && a.use <= 1 && b.use > 1) return a.n + ((1 - a.use) * (b.n - a.n)) / (b.use - a.use);
  }
  return undefined;
}

function conclusion(starts: Startup[], empty: WorkerdRow): string {
  const uses = starts.map((start) => ({ n: start.n, use: limitUse(start, empty) }));
  const names = Object.keys(uses[0]?.use ?? {}) as LimitName[];
  const fits = uses.filter(({ use }) => names.every((name) => use[name] <= 1));
  const largest = fits.at(-1);
  if (!largest) return "Conclusion: the bundled store exceeds a Workers limit at every measured size.";
  const tightest = names.reduce((a, b) => (largest.use[b] > largest.use[a] ? b : a));
  const next = uses[uses.indexOf(largest) + 1];
  const broken = next ? names.filter((name) => !(next.use[name] <= 1)) : [];
  const crossings = names
    .map((name) => crossing(uses.map(({ n, use }) => ({ n, use: use[name] }))))
    .filter((x): x is number => x !== undefined);
  const estimate = crossings.length > 0 ? Math.min(...crossings) : undefined;
  return [
    `Conclusion: the bundled store is the right choice up to N=${int(largest.n)} records`,
    ` (tightest limit there: ${tightest}, ${percent(largest.use[tightest])} used)`,
    next
      ? `; at N=${int(next.n)} it breaks ${broken.map((name) => `${name} (${percent(next.use[name])})`).join(", ")}`
      : "",
    estimate ? `; a straight line between the sizes puts the first limit at ~${int(estimate / 1000)}k records` : "",
    estimate ? " (costs grow faster than linearly, so the real crossing comes a bit later)" : "",
    '. Beyond that, use the D1 store (STORE = "d1"), whose build bundles no articles.',
  ].join("");
}

function printStartup(starts: Startup[], empty: WorkerdRow) {
  printTable(
    "6. Worker start-up with the bundled index",
    [
      "bundle: `wrangler deploy --dry-run --outdir` on a copy of src/ holding the index of N; limit 64 MiB per Worker",
      "  (gzip: node:zlib default level, for reference; older plans capped 10 MB gzip on Paid, 3 MB on Free).",
      "workerd: the bundle in a fresh `workerd serve` (the binary wrangler runs, wrangler.toml's compatibility",
      "  settings and [vars]), timed from spawning it to the end of the first GET /feed.json, with its CPU and RSS",
      "  then; `+ over empty` subtracts the same run of an empty Worker (process start, config, one request):",
      `  ${fmtWorkerd(empty)}.`,
      "Node: a fresh `node --import tsx` per run, timed from importing the index, src/app and src/store to the end",
      "  of the first GET /feed.json, to show where the time goes; heap is V8's in use after it. CPU counts every",
      "  thread (tsx's loader, GC); code import is tsx transpiling src/, which a deploy bundles ahead.",
      `Median of ${STARTUP_RUNS} runs per column, sizes in turn. Workers allow ${LIMIT_STARTUP_MS} ms of start-up CPU and`,
      `  ${LIMIT_ISOLATE_MIB} MB of memory per isolate.`,
    ],
    [
      "N",
      "bundle",
      "of 64 MiB",
      "gzip",
      "workerd first resp.",
      "+ over empty",
      "+ CPU",
      "+ RSS",
      "Node first resp.",
      "index import",
      "code import",
      "store",
      "fetch",
      "heap",
    ],
    starts.map((start) => {
      const b = start.bundle;
      const size = b?.ok
        ? [mib(b.bytes), `${((100 * b.bytes) / LIMIT_BUNDLE_BYTES).toFixed(0)}%`, mib(b.gzipBytes)]
        : [`failed: ${b?.error ?? "?"}`, "", ""];
      const cost = workerdCost(start, empty);
      const workerd =
        start.workerd && cost
          ? [
              `${ms(start.workerd.firstResponseMs)} ms`,
              `${ms(cost.wallMs)} ms`,
              `${ms(cost.cpuMs)} ms`,
              mibFixed(cost.rssMiB),
            ]
          : ["", "", "", ""];
      const s = start.node;
      const times = s ? [s.totalMs, s.indexMs, s.codeMs, s.storeMs, s.fetchMs].map((v) => `${ms(v)} ms`) : [];
      return [int(start.n), ...size, ...workerd, ...times, s ? mibFixed(s.heapMiB) : ""];
    }),
  );
  console.log(`\n${conclusion(starts, empty)}`);
}

const mibFixed = (value: number) => `${value.toFixed(0)} MiB`;
const fmtWorkerd = (w: WorkerdStart) =>
  `${ms(w.firstResponseMs)} ms to the first response, ${ms(w.cpuMs)} ms CPU, ${mibFixed(w.rssMiB)} RSS`;

// ---- main

const D1_SIZES = [100_000, 1_000_000] as const;

function printD1(rows: { n: number; cells: D1Cell[] }[]) {
  const [small, large] = rows;
  printTable(
    "7. The D1 store (ms per request, cache miss)",
    [
      "Local D1 (Miniflare's SQLite through getPlatformProxy, as `wrangler dev` runs it) filled with N synthetic",
      "  compiled articles; the app over D1Store, every lookup a miss, 100 timed requests after 10. Each request",
      "  is one D1 round trip (one batch: the page, its paging links and archive neighbours); locally",
      "  most of the time is the proxy's IPC, so the ratio between sizes is the figure that matters. Pages are",
      "  keyset ranges (`before=<position>`): a deep page seeks the index like page 1.",
    ],
    ["view", ...rows.map((row) => `N=${int(row.n)} med / p99`), "ratio", "round trips / statements"],
    D1_PATHS.map((view, i) => {
      const a = small?.cells[i]?.summary;
      const b = large?.cells[i]?.summary;
      const cell = small?.cells[i];
      return [
        view,
        ...rows.map((row) => cellText(row.cells[i]?.summary as Cell)),
        a && b ? ratio(b.medianMs / a.medianMs) : "—",
        cell ? `${cell.roundTrips} / ${cell.statements}` : "—",
      ];
    }),
    false,
  );
}

async function main() {
  const loadSampler = new LoadSampler();
  const host = machine();
  console.log("# Feed service benchmark");
  console.log(
    `${host.date} · ${host.cpu} × ${host.cores} · ${mib(host.memoryBytes)} RAM · node ${host.node} · ${host.platform} · load ${host.loadAtStart}`,
  );
  console.log("\nMethod:");
  for (const line of METHOD) console.log(`  ${line}`);

  await mkdir(WORK, { recursive: true });
  // The generated index is ESM in a .js file, as in the project (type: module); without this
  // Node would first try it as CommonJS and parse the whole module twice.
  await writeFile(path.join(WORK, "package.json"), '{ "type": "module" }\n');

  // The <feed-list> script: seconds to measure, so it comes first.
  const embed = await measureEmbed(ROOT, WORK);
  printTable(
    "Embed script (/embed.js)",
    [`version ${embed.version}; budget ${embed.budgetBytes} bytes gzipped`],
    ["minified", "gzip -9", "brotli 11"],
    [[`${embed.minifiedBytes} B`, `${embed.gzipBytes} B`, `${embed.brotliBytes} B`]],
  );

  const corpora: CorpusRow[] = [];
  for (const n of SIZES) corpora.push(await ensureCorpus(n));
  printCorpora(corpora);

  const builds: BuildRow[] = [];
  for (const corpus of corpora) builds.push(await buildIndex(corpus));
  printBuild(builds);

  const results = await measureInProcess(builds);
  const measured: Measured[] = builds.map((build, i) => ({ n: build.n, result: results[i] as InprocResult }));
  printRender(measured);
  printKeywordTop(measured);
  printNaive(measured);
  printCache(measured);

  const bundles: BundleRow[] = [];
  for (const build of builds) bundles.push(await bundle(build));
  const nodeStarts = await startups(builds);
  const workerd = await workerdStarts(bundles);
  const starts: Startup[] = SIZES.map((n) => ({
    n,
    bundle: bundles.find((b) => b.n === n),
    node: nodeStarts.find((s) => s.n === n),
    workerd: workerd.sizes.find((s) => s.n === n),
  }));
  printStartup(starts, workerd.empty);

  const d1: { n: number; cells: D1Cell[] }[] = [];
  for (const n of SKIP.has("d1") ? [] : D1_SIZES) d1.push({ n, cells: await measureD1(n, WORK, progress) });
  if (d1.length > 0) printD1(d1);
  const terms = SKIP.has("d1") ? [] : await measureTerms(WORK, progress);
  if (d1.length > 0) await writeSection("d1", d1Section(d1, terms, loadSampler));
  if (terms.length > 0)
    printTable(
      "8. D1 with 10,000 topics (20,000 articles): the lists and the WebSub cron",
      ["One round trip each, a constant number of statements at any number of terms."],
      ["what", "median ms", "round trips / statements", "pings"],
      terms.map((cell) => [
        cell.what,
        cell.summary.medianMs.toFixed(1),
        `${cell.roundTrips} / ${cell.statements}`,
        cell.posts === undefined ? "—" : `${cell.posts} POSTs, ${cell.pinged} URLs, ${cell.carried} carried`,
      ]),
      false,
    );

  const totalSeconds = (performance.now() - began) / 1000;
  const figures = {
    machine: host,
    method: METHOD,
    embed,
    corpora,
    build: builds,
    inProcess: measured,
    bundles,
    startup: nodeStarts,
    workerdStartup: workerd,
    conclusion: conclusion(starts, workerd.empty),
    d1,
    terms,
    totalSeconds,
    loadAtEnd: load(),
  };
  await mkdir(path.dirname(RESULTS), { recursive: true });
  await writeFile(RESULTS, `${JSON.stringify(figures, null, 2)}\n`);
  await writeSection("bench", [machineLine(loadSampler), "", ...published.join("\n\n").split("\n")].join("\n"));
  loadSampler.stop();
  console.log(
    `\nTotal run time ${totalSeconds.toFixed(0)} s (load at the end ${load()}); figures in bench-results/bench.json`,
  );
  // The build with its cache against Hugo (a few minutes; bench-results/build.json).
  if (!SKIP.has("build")) await import("./bench/build.js");
  // Last, end to end in workerd (about 6 minutes; its figures in bench-results/e2e.json).
  if (!SKIP.has("e2e")) await import("./bench/e2e.js");
}

// `npm run bench -- --only e2e` runs the end-to-end section alone (as `npm run bench:e2e`);
// `--only build` the build bench (as `npm run bench:build`).
if (onlyE2e) await import("./bench/e2e.js");
else if (onlyBuild) await import("./bench/build.js");
else await main();
