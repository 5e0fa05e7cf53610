// `npm run bench:e2e`: the Worker end to end in workerd, against a constant Worker that holds
// each view's response (its bytes encoded once, our headers, our 304) as constants; both
// loaded over HTTP by wrk on 127.0.0.1. Each round runs the two one after the other (the
// order swapped every round), then both at once; it reports requests per second, workerd's
// CPU per request and the ratios for a cache hit and a 304 of each view, and a hit with
// subscriber counting on against off (issue 19). Writes bench-results/e2e.json and the e2e
// section of docs/performance.md. About 6 minutes.
import { type SpawnOptions, spawn } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { copyIndexFiles } from "../../src/content/index-files.js";
import { LoadSampler, machineLine, markdownTable, writeSection } from "./report.js";
import { ROOT, workerCompatibility, workerVars } from "./runtime.js";
import { type Served, serveWorkerd } from "./workerd.js";

if (process.argv.includes("--help") || process.argv.includes("-h")) {
  console.log(`usage: npm run bench:e2e    (E2E_ROUNDS=5 E2E_SECONDS=2 E2E_PORT=8821 E2E_PAIRED=1)
The Worker in workerd against a constant-bytes Worker, loaded by wrk on 127.0.0.1 in
interleaved rounds; prints requests per second and writes bench-results/e2e.json.
--from bench-results/e2e.json re-renders a stored run's tables and docs section.
E2E_ONLY="topic feed, 20" measures only the views whose name contains it; E2E_STATS_ONLY=1
only the subscriber-counting cells.`);
  process.exit(0);
}

const RECORDS = 1_000;
const ROUNDS = Number(process.env.E2E_ROUNDS ?? 5);
const SECONDS = Number(process.env.E2E_SECONDS ?? 2);
const CONNECTIONS = 4;
/** Within this project's port range. */
const PORTS = {
  ours: Number(process.env.E2E_PORT ?? 8821),
  constant: Number(process.env.E2E_PORT ?? 8821) + 1,
  counting: Number(process.env.E2E_PORT ?? 8821) + 2,
};
/** E2E_STATS_ONLY=1: only the subscriber-counting cells (ours with STATS_TOKEN against ours without). */
const STATS_ONLY = process.env.E2E_STATS_ONLY === "1";
/** E2E_ONLY="topic feed, 20 items": only the cells whose view name contains it (for profiling one cell). */
const ONLY = process.env.E2E_ONLY;
const RESULTS = path.join(ROOT, "bench-results", STATS_ONLY ? "e2e-stats.json" : "e2e.json");
/** Counting may cost a hit at most this much throughput (issue 19). */
const STATS_TARGET = 0.95;
/** A hosted reader (one in-memory check per hit) and a desktop one (a quick hash per hit). */
const READERS = {
  "hosted (Feedly)": "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 462 subscribers; )",
  "individual (newsboat)": "Newsboat/2.36.0 (Linux x86_64)",
} as const;
const TARGET = 0.8;
/** E2E_PAIRED=0: no concurrent run per round (each round then takes half the time). */
const PAIRED = process.env.E2E_PAIRED !== "0";

const log = (message: string) => console.error(`[bench:e2e] ${message}`);

function run(command: string, args: string[], options: SpawnOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], ...options });
    let out = "";
    child.stdout?.on("data", (chunk) => {
      out += chunk;
    });
    child.stderr?.on("data", (chunk) => {
      out += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${command} ${args.join(" ")}: ${out.slice(-2000)}`)),
    );
  });
}

/** A generated corpus, built into an index and bundled by `wrangler deploy --dry-run` from a copy of src/. */
async function bundle(work: string): Promise<string> {
  const content = path.join(work, "content");
  const index = path.join(work, "content-index.js");
  log(`generating ${RECORDS} records and building them`);
  await run("npx", ["tsx", "scripts/generate-corpus.ts", "--count", String(RECORDS), "--out", content, "--seed", "1"]);
  await run("npx", ["tsx", "scripts/build.ts"], { env: { ...process.env, CONTENT_DIR: content, INDEX_OUT: index } });
  const stage = path.join(work, "worker");
  await cp(path.join(ROOT, "src"), path.join(stage, "src"), { recursive: true });
  await cp(path.join(ROOT, ".generated"), path.join(stage, ".generated"), { recursive: true });
  copyIndexFiles(index, path.join(stage, ".generated", "content-index.js"));
  const toml = await readFile(path.join(ROOT, "wrangler.toml"), "utf8");
  // The index is given; wrangler must not rebuild it from content/.
  await writeFile(path.join(stage, "wrangler.toml"), toml.replace(/^\[build\][\s\S]*?(?=^\[)/m, ""));
  for (const shared of ["node_modules", "public"]) await symlink(path.join(ROOT, shared), path.join(stage, shared));
  log("wrangler deploy --dry-run");
  const outdir = path.join(work, "bundle");
  await run("npx", ["wrangler", "deploy", "--dry-run", "--outdir", outdir], {
    cwd: stage,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  if (!(await readdir(outdir)).includes("index.js")) throw new Error("wrangler wrote no index.js");
  return path.join(outdir, "index.js");
}

interface View {
  name: string;
  path: string;
  body: string;
  etag: string;
  /** Our hit's and our 304's headers, as sent: the constant Worker sends the same. */
  okHeaders: [string, string][];
  notModifiedHeaders: [string, string][];
}

/** Hop-by-hop headers are the server's, not the Worker's. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "date"]);
const sentHeaders = (response: Response) => [...response.headers].filter(([name]) => !HOP_BY_HOP.has(name));

/** The views measured: the main, a topic and a filtered feed, with small and 100-item pages. */
async function views(ours: Served): Promise<View[]> {
  // The topic with the most articles, from the home page's table, so its 100-item page is full.
  const home = await (await fetch(`${ours.url}/`)).text();
  const rows = [...home.matchAll(/href="[^"]*(\/topics\/[^/"]+)\/">[^<]*<\/a><\/td><td[^>]*>(\d+)<\/td>/g)];
  const topic = rows.sort((a, b) => Number(b[2]) - Number(a[2]))[0]?.[1];
  if (!topic) throw new Error("no topic on the home page");
  const paths = [
    ["main feed, 20 items", "/feed.json"],
    ["main feed, 100 items", "/feed.json?limit=100"],
    ["topic feed, 20 items", `${topic}/atom.xml`],
    ["topic feed, 100 items", `${topic}/atom.xml?limit=100`],
    ["filtered feed, 20 items", "/rss.xml?minQuality=50"],
    ["filtered feed, 100 items", "/rss.xml?minQuality=50&limit=100"],
  ] as const;
  const out: View[] = [];
  for (const [name, viewPath] of paths) {
    const first = await fetch(ours.url + viewPath);
    const body = await first.text();
    const hit = await fetch(ours.url + viewPath);
    await hit.arrayBuffer();
    if (first.status !== 200 || hit.headers.get("X-Cache") !== "HIT") {
      throw new Error(`${viewPath}: ${first.status}, then X-Cache ${hit.headers.get("X-Cache")}`);
    }
    const etag = first.headers.get("ETag") ?? "";
    const notModified = await fetch(ours.url + viewPath, { headers: { "If-None-Match": etag } });
    if (notModified.status !== 304) throw new Error(`${viewPath}: If-None-Match answered ${notModified.status}`);
    out.push({
      name,
      path: viewPath,
      body,
      etag,
      okHeaders: sentHeaders(hit),
      notModifiedHeaders: sentHeaders(notModified),
    });
  }
  return out;
}

/**
 * The reference: each view as constants, looked up by the request target. The body is
 * held as UTF-8 bytes encoded once and the headers are ours, so the difference is only
 * what our Worker does per request; a request with If-None-Match gets the view's 304.
 */
function constantWorker(list: View[]): string {
  const views = Object.fromEntries(
    list.map((v) => [v.path, { body: v.body, ok: v.okHeaders, notModified: v.notModifiedHeaders }]),
  );
  return `const encoder = new TextEncoder();
const VIEWS = new Map(
  Object.entries(${JSON.stringify(views)}).map(([path, v]) => [
    path,
    { body: encoder.encode(v.body), ok: v.ok, notModified: v.notModified },
  ]),
);
export default {
  fetch(request) {
    const view = VIEWS.get(request.url.slice(request.url.indexOf("/", 8)));
    if (!view) return new Response("not found", { status: 404 });
    if (request.headers.has("If-None-Match")) return new Response(null, { status: 304, headers: view.notModified });
    return new Response(view.body, { headers: view.ok });
  },
};
`;
}

interface Load {
  /** Requests per second wrk measured. */
  rps: number;
  /** workerd's CPU per request over the run, in µs. */
  cpuUs: number;
}

/** One wrk run against `server`; a non-2xx/3xx answer fails the run. */
async function wrk(server: Served, target: string, headers: Record<string, string> = {}): Promise<Load> {
  const args = ["-t1", `-c${CONNECTIONS}`, `-d${SECONDS}s`, server.url + target];
  for (const [name, value] of Object.entries(headers)) args.push("-H", `${name}: ${value}`);
  const cpuBefore = server.cpuNs();
  const out = await run("wrk", args);
  const cpuNs = server.cpuNs() - cpuBefore;
  if (/Non-2xx or 3xx responses/.test(out)) throw new Error(`wrk ${target}: error responses\n${out}`);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out)?.[1];
  const requests = /(\d+) requests in/.exec(out)?.[1];
  if (!rps || !requests) throw new Error(`wrk printed no rate:\n${out}`);
  return { rps: Number(rps), cpuUs: cpuNs / 1000 / Number(requests) };
}

/**
 * A run starved of CPU by other processes can finish no request at all: its ratio (0 or
 * Infinity) measures the machine, not the Worker, and is left out of medians and spreads.
 */
const measured = (values: number[]) => values.filter((v) => Number.isFinite(v) && v > 0);

const median = (all: number[]) => {
  const sorted = measured(all).sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

interface Cell {
  view: string;
  path: string;
  kind: "hit" | "304";
  bytes: number;
  constantRps: number[];
  oursRps: number[];
  ratios: number[];
  constantCpuUs: number[];
  oursCpuUs: number[];
  /** Constant's CPU per request over ours: the capacity ratio, steady under outside load. */
  cpuRatios: number[];
  /** Ours / constant req/s with both loaded at once, so a burst of outside load hits both alike. */
  pairedRatios: number[];
}

/** One round of two runs, one after the other, the order swapped every other round. */
async function interleaved<T>(round: number, a: () => Promise<T>, b: () => Promise<T>): Promise<[T, T]> {
  if (round % 2 === 0) {
    const first = await a();
    return [first, await b()];
  }
  const second = await b();
  return [await a(), second];
}

/** One cell: rounds of (ours, constant) alternating which goes first, then both at once. */
async function measureCell(ours: Served, constant: Served, view: View, kind: Cell["kind"]): Promise<Cell> {
  const headers: Record<string, string> = kind === "304" ? { "If-None-Match": view.etag } : {};
  const cell: Cell = {
    view: view.name,
    path: view.path,
    kind,
    bytes: Buffer.byteLength(view.body),
    constantRps: [],
    oursRps: [],
    ratios: [],
    constantCpuUs: [],
    oursCpuUs: [],
    cpuRatios: [],
    pairedRatios: [],
  };
  for (let round = 0; round < ROUNDS; round++) {
    const [o, c] = await interleaved(
      round,
      () => wrk(ours, view.path, headers),
      () => wrk(constant, view.path, headers),
    );
    if (PAIRED) {
      const [po, pc] = await Promise.all([wrk(ours, view.path, headers), wrk(constant, view.path, headers)]);
      cell.pairedRatios.push(po.rps / pc.rps);
    }
    cell.oursRps.push(o.rps);
    cell.constantRps.push(c.rps);
    cell.ratios.push(o.rps / c.rps);
    cell.oursCpuUs.push(o.cpuUs);
    cell.constantCpuUs.push(c.cpuUs);
    cell.cpuRatios.push(c.cpuUs / o.cpuUs);
  }
  return cell;
}

const spreadOf = (all: number[]) => {
  const ratios = measured(all);
  const left = all.length - ratios.length;
  return `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}${left ? ` (${left} starved)` : ""}`;
};
const verdict = (ratio: number, target: number) => `${ratio.toFixed(2)}× ${ratio >= target ? "ok" : "BELOW"}`;

function cellRows(cells: Cell[]): string[][] {
  return cells.map((c) => [
    c.view,
    c.kind,
    String(c.bytes),
    median(c.constantRps).toFixed(0),
    median(c.oursRps).toFixed(0),
    verdict(median(c.ratios), TARGET),
    spreadOf(c.ratios),
    `${median(c.constantCpuUs).toFixed(0)} / ${median(c.oursCpuUs).toFixed(0)}`,
    verdict(median(c.cpuRatios), TARGET),
    spreadOf(c.cpuRatios),
    ...(PAIRED ? [verdict(median(c.pairedRatios), TARGET), spreadOf(c.pairedRatios)] : []),
  ]);
}

const CELL_HEADER = [
  "view",
  "req",
  "bytes",
  "constant req/s",
  "ours req/s",
  "req/s ratio",
  "spread",
  "CPU µs/req constant / ours",
  "CPU ratio",
  "spread",
  ...(PAIRED ? ["req/s ratio, both at once", "spread"] : []),
];
const method = () =>
  `wrk -t1 -c${CONNECTIONS} -d${SECONDS}s, ${ROUNDS} rounds, N=${RECORDS} records; each round runs the two one after the other (order swapped each round)${PAIRED ? ", then both at once" : ""}`;

/**
 * Every round of every view pooled, per kind: one cell's few rounds on a busy machine
 * spread widely, while a cost that our Worker adds shows in all of them.
 */
function pooledRows(cells: Cell[]): string[][] {
  return (["hit", "304"] as const).flatMap((kind) => {
    const of = cells.filter((c) => c.kind === kind);
    if (of.length === 0) return [];
    const all = (pick: (c: Cell) => number[]) => of.flatMap(pick);
    const ratio = (values: number[]) =>
      `${median(values).toFixed(2)}× (${measured(values).length} rounds, ${spreadOf(values)})`;
    return [
      [
        `every ${kind}`,
        ratio(all((c) => c.ratios)),
        ratio(all((c) => c.cpuRatios)),
        ...(PAIRED ? [ratio(all((c) => c.pairedRatios))] : []),
      ],
    ];
  });
}

const POOLED_HEADER = ["pooled", "req/s ratio", "CPU ratio", ...(PAIRED ? ["req/s ratio, both at once"] : [])];

function print(cells: Cell[]) {
  console.log(`End to end in workerd: ${method()}; target ≥ ${TARGET}×`);
  console.log(markdownTable(CELL_HEADER, cellRows(cells)));
  console.log(`\n${markdownTable(POOLED_HEADER, pooledRows(cells))}`);
}

interface StatsCell {
  reader: string;
  offRps: number[];
  onRps: number[];
  ratios: number[];
  offCpuUs: number[];
  onCpuUs: number[];
  cpuRatios: number[];
  pairedRatios: number[];
}

/** A hit of the main feed as one reader, counting off (ours) and on (counting), rounds interleaved. */
async function measureStats(ours: Served, counting: Served): Promise<StatsCell[]> {
  const cells: StatsCell[] = [];
  for (const [reader, ua] of Object.entries(READERS)) {
    const headers = { "User-Agent": ua, "CF-Connecting-IP": "198.51.100.7" };
    for (const server of [ours, counting])
      for (let i = 0; i < 3; i++) await (await fetch(`${server.url}/feed.json`, { headers })).arrayBuffer();
    const cell: StatsCell = {
      reader,
      offRps: [],
      onRps: [],
      ratios: [],
      offCpuUs: [],
      onCpuUs: [],
      cpuRatios: [],
      pairedRatios: [],
    };
    for (let round = 0; round < ROUNDS; round++) {
      const feed = (server: Served) => () => wrk(server, "/feed.json", headers);
      const [off, on] = await interleaved(round, feed(ours), feed(counting));
      if (PAIRED) {
        const [pOff, pOn] = await Promise.all([feed(ours)(), feed(counting)()]);
        cell.pairedRatios.push(pOn.rps / pOff.rps);
      }
      cell.offRps.push(off.rps);
      cell.onRps.push(on.rps);
      cell.ratios.push(on.rps / off.rps);
      cell.offCpuUs.push(off.cpuUs);
      cell.onCpuUs.push(on.cpuUs);
      cell.cpuRatios.push(off.cpuUs / on.cpuUs);
    }
    cells.push(cell);
  }
  return cells;
}

const STATS_HEADER = [
  "reader",
  "off req/s",
  "on req/s",
  "req/s ratio",
  "spread",
  "CPU µs/req off / on",
  "CPU ratio",
  "spread",
  ...(PAIRED ? ["req/s ratio, both at once", "spread"] : []),
];

function statsRows(cells: StatsCell[]): string[][] {
  return cells.map((c) => [
    c.reader,
    median(c.offRps).toFixed(0),
    median(c.onRps).toFixed(0),
    verdict(median(c.ratios), STATS_TARGET),
    spreadOf(c.ratios),
    `${median(c.offCpuUs).toFixed(0)} / ${median(c.onCpuUs).toFixed(0)}`,
    verdict(median(c.cpuRatios), STATS_TARGET),
    spreadOf(c.cpuRatios),
    ...(PAIRED ? [verdict(median(c.pairedRatios), STATS_TARGET), spreadOf(c.pairedRatios)] : []),
  ]);
}

function printStats(cells: StatsCell[]) {
  console.log(
    `\nSubscriber counting, a hit of /feed.json: ours with STATS_TOKEN (D1 stubbed) against ours without; target ≥ ${STATS_TARGET}×`,
  );
  console.log(markdownTable(STATS_HEADER, statsRows(cells)));
}

/** The figures of this run as the e2e section of docs/performance.md. */
function section(cells: Cell[], stats: StatsCell[], machine: string): string {
  const parts = [machine, "", `${method()}. Target: ours / constant ≥ ${TARGET}×.`];
  if (cells.length > 0)
    parts.push("", markdownTable(CELL_HEADER, cellRows(cells)), "", markdownTable(POOLED_HEADER, pooledRows(cells)));
  parts.push(
    "",
    `Subscriber counting on against off, a hit of \`/feed.json\` (target ≥ ${STATS_TARGET}×):`,
    "",
    markdownTable(STATS_HEADER, statsRows(stats)),
  );
  return parts.join("\n");
}

async function main() {
  const load = new LoadSampler();
  const work = await mkdtemp(path.join(os.tmpdir(), "feed-bench-e2e-"));
  const served: Served[] = [];
  try {
    const script = await bundle(work);
    const vars = workerVars();
    const compatibility = workerCompatibility();
    const ours = await serveWorkerd({ file: script }, path.join(work, "ours"), PORTS.ours, vars, compatibility);
    served.push(ours);
    const list = await views(ours);
    const constant = await serveWorkerd(
      { source: constantWorker(list) },
      path.join(work, "constant"),
      PORTS.constant,
      vars,
      compatibility,
    );
    served.push(constant);
    const counting = await serveWorkerd(
      { file: script },
      path.join(work, "counting"),
      PORTS.counting,
      { ...vars, STATS_TOKEN: "bench-stats-token-0123456789abcdef" },
      compatibility,
      { d1Stub: true },
    );
    served.push(counting);
    const cells: Cell[] = [];
    for (const view of STATS_ONLY ? [] : list.filter((v) => !ONLY || v.name.includes(ONLY))) {
      for (const kind of ["hit", "304"] as const) {
        log(`${view.name}, ${kind}`);
        cells.push(await measureCell(ours, constant, view, kind));
      }
    }
    log("subscriber counting on and off");
    const stats = await measureStats(ours, counting);
    if (!STATS_ONLY) print(cells);
    printStats(stats);
    await mkdir(path.dirname(RESULTS), { recursive: true });
    const summary = {
      machine: machineLine(load),
      rounds: ROUNDS,
      seconds: SECONDS,
      connections: CONNECTIONS,
      records: RECORDS,
      cells,
      stats,
    };
    await writeFile(RESULTS, `${JSON.stringify(summary, null, 2)}\n`);
    log(`wrote ${path.relative(ROOT, RESULTS)}`);
    // A partial run (one view, or counting only) is a diagnostic, not the published figure.
    if (!ONLY && !STATS_ONLY) await writeSection("e2e", section(cells, stats, summary.machine));
  } finally {
    load.stop();
    for (const server of served) await server.stop();
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * `--from bench-results/e2e.json`: the tables and the docs section again from a stored run's
 * rounds (after a change to how they are summarised), without measuring anew.
 */
async function fromStored(file: string) {
  const stored = JSON.parse(await readFile(file, "utf8")) as { machine: string; cells: Cell[]; stats: StatsCell[] };
  print(stored.cells);
  printStats(stored.stats);
  await writeSection("e2e", section(stored.cells, stored.stats, stored.machine));
}

const from = process.argv.indexOf("--from");
if (from !== -1) await fromStored(process.argv[from + 1] ?? RESULTS);
else await main();
