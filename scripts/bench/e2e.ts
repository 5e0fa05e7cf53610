// `npm run bench:e2e`: the Worker end to end in workerd, against a Worker that returns the
// same bytes as constant strings, both loaded over HTTP by wrk on 127.0.0.1 in interleaved
// rounds (A, B, then B, A, …). Reports requests per second and the ratio for a cache hit and
// a 304 of each view, and a hit with subscriber counting on against off (issue 19); writes
// bench-results/e2e.json. Bounded: about 2 minutes.
import { type SpawnOptions, spawn } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ROOT, workerCompatibility, workerVars } from "./runtime.js";
import { type Served, serveWorkerd } from "./workerd.js";

if (process.argv.includes("--help") || process.argv.includes("-h")) {
  console.log(`usage: npm run bench:e2e    (E2E_ROUNDS=3 E2E_SECONDS=2 E2E_PORT=8821)
The Worker in workerd against a constant-bytes Worker, loaded by wrk on 127.0.0.1 in
interleaved rounds; prints requests per second and writes bench-results/e2e.json.`);
  process.exit(0);
}

const RECORDS = 1_000;
const ROUNDS = Number(process.env.E2E_ROUNDS ?? 3);
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
const RESULTS = path.join(ROOT, "bench-results", STATS_ONLY ? "e2e-stats.json" : "e2e.json");
/** Counting may cost a hit at most this much throughput (issue 19). */
const STATS_TARGET = 0.95;
/** A hosted reader (one in-memory check per hit) and a desktop one (a quick hash per hit). */
const READERS = {
  "hosted (Feedly)": "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 462 subscribers; )",
  "individual (newsboat)": "Newsboat/2.36.0 (Linux x86_64)",
} as const;
const TARGET = 0.8;

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
  await cp(index, path.join(stage, ".generated", "content-index.js"));
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
  contentType: string;
  etag: string;
}

/** The views measured: the main, a topic and a filtered feed, with small and 100-item pages. */
async function views(ours: Served): Promise<View[]> {
  // The topic with the most articles, from the home page's table, so its 100-item page is full.
  const home = await (await fetch(`${ours.url}/`)).text();
  const rows = [...home.matchAll(/href="[^"]*(\/topics\/[^/"]+)\/">[^<]*<\/a><\/td><td>(\d+)<\/td>/g)];
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
    out.push({ name, path: viewPath, body, contentType: first.headers.get("Content-Type") ?? "", etag });
  }
  return out;
}

/** The reference: each view's bytes as a constant string, looked up by the request target. */
function constantWorker(list: View[]): string {
  const bodies = Object.fromEntries(list.map((v) => [v.path, { body: v.body, type: v.contentType }]));
  return `const BODIES = new Map(Object.entries(${JSON.stringify(bodies)}));
export default {
  fetch(request) {
    const entry = BODIES.get(request.url.slice(request.url.indexOf("/", 8)));
    if (!entry) return new Response("not found", { status: 404 });
    return new Response(entry.body, { headers: { "Content-Type": entry.type } });
  },
};
`;
}

/** Requests per second wrk measured; a non-2xx/3xx answer fails the run. */
async function wrk(url: string, headers: Record<string, string> = {}): Promise<number> {
  const args = ["-t1", `-c${CONNECTIONS}`, `-d${SECONDS}s`, url];
  for (const [name, value] of Object.entries(headers)) args.push("-H", `${name}: ${value}`);
  const out = await run("wrk", args);
  if (/Non-2xx or 3xx responses/.test(out)) throw new Error(`wrk ${url}: error responses\n${out}`);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out)?.[1];
  if (!rps) throw new Error(`wrk printed no rate:\n${out}`);
  return Number(rps);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
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
}

/** One cell: rounds of (ours, constant) alternating which goes first. */
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
  };
  for (let round = 0; round < ROUNDS; round++) {
    const a = () => wrk(ours.url + view.path, headers);
    const b = () => wrk(constant.url + view.path);
    let o: number;
    let c: number;
    if (round % 2 === 0) {
      o = await a();
      c = await b();
    } else {
      c = await b();
      o = await a();
    }
    cell.oursRps.push(o);
    cell.constantRps.push(c);
    cell.ratios.push(o / c);
  }
  return cell;
}

function print(cells: Cell[]) {
  const rows = cells.map((c) => {
    const ratio = median(c.ratios);
    const spread = `${Math.min(...c.ratios).toFixed(2)}–${Math.max(...c.ratios).toFixed(2)}`;
    return `| ${c.view.padEnd(24)} | ${c.kind.padEnd(3)} | ${String(c.bytes).padStart(7)} | ${median(c.constantRps).toFixed(0).padStart(8)} | ${median(c.oursRps).toFixed(0).padStart(8)} | ${ratio.toFixed(2)}× ${ratio >= TARGET ? "ok" : "BELOW"} | ${spread} |`;
  });
  console.log(
    [
      `End to end in workerd: wrk -t1 -c${CONNECTIONS} -d${SECONDS}s, ${ROUNDS} interleaved rounds, N=${RECORDS}; target ≥ ${TARGET}×`,
      "| view                     | req | bytes   | constant | ours     | ratio (median) | spread |",
      "| ------------------------ | --- | ------- | -------- | -------- | -------------- | ------ |",
      ...rows,
    ].join("\n"),
  );
}

interface StatsCell {
  reader: string;
  offRps: number[];
  onRps: number[];
  ratios: number[];
}

/** A hit of the main feed as one reader, counting off (ours) and on (counting), rounds interleaved. */
async function measureStats(ours: Served, counting: Served): Promise<StatsCell[]> {
  const cells: StatsCell[] = [];
  for (const [reader, ua] of Object.entries(READERS)) {
    const headers = { "User-Agent": ua, "CF-Connecting-IP": "198.51.100.7" };
    for (const server of [ours, counting])
      for (let i = 0; i < 3; i++) await (await fetch(`${server.url}/feed.json`, { headers })).arrayBuffer();
    const cell: StatsCell = { reader, offRps: [], onRps: [], ratios: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 ? [counting, ours] : [ours, counting];
      const rates = new Map<Served, number>();
      for (const server of order) rates.set(server, await wrk(`${server.url}/feed.json`, headers));
      const off = rates.get(ours) as number;
      const on = rates.get(counting) as number;
      cell.offRps.push(off);
      cell.onRps.push(on);
      cell.ratios.push(on / off);
    }
    cells.push(cell);
  }
  return cells;
}

function printStats(cells: StatsCell[]) {
  const rows = cells.map((c) => {
    const ratio = median(c.ratios);
    const spread = `${Math.min(...c.ratios).toFixed(2)}–${Math.max(...c.ratios).toFixed(2)}`;
    return `| ${c.reader.padEnd(24)} | ${median(c.offRps).toFixed(0).padStart(8)} | ${median(c.onRps).toFixed(0).padStart(8)} | ${ratio.toFixed(2)}× ${ratio >= STATS_TARGET ? "ok" : "BELOW"} | ${spread} |`;
  });
  console.log(
    [
      `\nSubscriber counting, a hit of /feed.json: ours with STATS_TOKEN (D1 stubbed) against ours without; target ≥ ${STATS_TARGET}×`,
      "| reader                   | off      | on       | ratio (median) | spread |",
      "| ------------------------ | -------- | -------- | -------------- | ------ |",
      ...rows,
    ].join("\n"),
  );
}

async function main() {
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
    for (const view of STATS_ONLY ? [] : list) {
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
    const summary = { rounds: ROUNDS, seconds: SECONDS, connections: CONNECTIONS, records: RECORDS, cells, stats };
    await writeFile(RESULTS, `${JSON.stringify(summary, null, 2)}\n`);
    log(`wrote ${path.relative(ROOT, RESULTS)}`);
  } finally {
    for (const server of served) await server.stop();
    await rm(work, { recursive: true, force: true });
  }
}

await main();
