// `npm run bench:stats`: what subscriber counting costs a cache hit, as a hosted reader
// (Feedly) and as a desktop reader (newsboat: one HMAC per request). First in process (the
// CPU of a hit and of the counting it queues, stats-inproc.ts); then end to end: two
// `wrangler dev` servers of the same code, one with STATS_TOKEN (over a local D1 of its
// own) and one without, loaded by wrk in interleaved rounds. Prints both tables and writes
// bench-results/stats.json. Never fails on the target.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { LoadSampler, machineLine, markdownTable, writeSection } from "./report.js";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const PORTS = { off: Number(process.env.BENCH_PORT_OFF ?? 8862), on: Number(process.env.BENCH_PORT_ON ?? 8864) };
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = 8;
const FEED = "/feed.json";
const TARGET = 0.95;
const READERS = {
  "hosted (Feedly)": "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 462 subscribers; )",
  "individual (newsboat)": "Newsboat/2.36.0 (Linux x86_64)",
} as const;
const USAGE = `usage: npm run bench:stats    (tsx scripts/bench/stats.ts; no options)

A cache hit of /feed.json with subscriber counting on and off: in process (CPU per hit), then
end to end (wrk on two wrangler dev servers, ports $BENCH_PORT_OFF/$BENCH_PORT_ON, default
8862/8864, each with its inspector on the next port; $BENCH_ROUNDS rounds of $BENCH_SECONDS s,
default 7 × 3). BENCH_E2E=0 skips the end-to-end part. About 2 minutes; writes
bench-results/stats.json and the stats section of docs/performance.md, temp files in .cache/.`;

if (process.argv.length > 2) {
  const help = process.argv.includes("--help") || process.argv.includes("-h");
  (help ? console.log : console.error)(help ? USAGE : `bench:stats: takes no options\n\n${USAGE}`);
  process.exit(help ? 0 : 2);
}

mkdirSync(path.join(ROOT, ".cache"), { recursive: true });
const state = mkdtempSync(path.join(ROOT, ".cache", "stats-bench-"));

/** Each server keeps its own local state (cache and D1) in a folder of the temp one. */
function serve(port: number, vars: string[]): ChildProcess {
  const args = [
    "wrangler",
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    // Its own inspector port (the next one), not wrangler's shared default.
    "--inspector-port",
    String(port + 1),
    "--persist-to",
    path.join(state, String(port)),
  ];
  const base = `http://127.0.0.1:${port}`;
  for (const v of [`SITE_URL:${base}`, ...vars]) args.push("--var", v);
  return spawn("npx", args, { cwd: ROOT, detached: true, stdio: "ignore" });
}

async function ready(port: number) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`http://127.0.0.1:${port}${FEED}`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(500);
  }
  throw new Error(`wrangler dev on ${port} did not start`);
}

/** Requests per second of one wrk run, after checking that every answer was a 2xx. */
function wrk(port: number, userAgent: string): number {
  const out = execFileSync(
    "wrk",
    [
      "-t1",
      `-c${CONNECTIONS}`,
      `-d${SECONDS}s`,
      "-H",
      `User-Agent: ${userAgent}`,
      "-H",
      "CF-Connecting-IP: 198.51.100.7",
      `http://127.0.0.1:${port}${FEED}`,
    ],
    { encoding: "utf8" },
  );
  if (/Non-2xx/.test(out)) throw new Error(`wrk saw errors on ${port}:\n${out}`);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out)?.[1];
  if (!rps) throw new Error(`wrk printed no rate:\n${out}`);
  return Number(rps);
}

/** The ratio of each round's pair (on / off), lowest to highest. */
function spread(rounds: { off: number[]; on: number[] }): string {
  const ratios = rounds.on.map((on, i) => on / (rounds.off[i] ?? Number.NaN));
  return `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

async function main() {
  // Imported here: it loads the built index, which --help must not need.
  const { measureInproc } = await import("./stats-inproc.js");
  const load = new LoadSampler();
  const inproc = await measureInproc(READERS);
  console.log("\nIn process, median per cache hit of /feed.json (fetch, body, waitUntil work):\n");
  console.log("| reader | counting off (ms) | counting on (ms) | hits/s on / off | target |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const row of inproc) {
    const verdict = row.ratio >= TARGET ? "met" : "missed";
    console.log(
      `| ${row.reader} | ${row.offMs.toFixed(4)} | ${row.onMs.toFixed(4)} | ${row.ratio.toFixed(3)}× | ≥ ${TARGET}× ${verdict} |`,
    );
  }
  const inprocTable = markdownTable(
    ["reader", "counting off (ms)", "counting on (ms)", "hits/s on / off", "target"],
    inproc.map((row) => [
      row.reader,
      row.offMs.toFixed(4),
      row.onMs.toFixed(4),
      `${row.ratio.toFixed(3)}×`,
      `≥ ${TARGET}× ${row.ratio >= TARGET ? "met" : "missed"}`,
    ]),
  );
  // BENCH_E2E=0: the in-process table only, without starting wrangler dev.
  if (process.env.BENCH_E2E === "0") return;
  execFileSync(
    "npx",
    [
      "wrangler",
      "d1",
      "migrations",
      "apply",
      "feed-articles",
      "--local",
      "--persist-to",
      path.join(state, String(PORTS.on)),
    ],
    {
      cwd: ROOT,
      stdio: "ignore",
    },
  );
  const servers = [serve(PORTS.off, []), serve(PORTS.on, ["STATS_TOKEN:bench-stats-token-0123456789abcdef"])];
  try {
    await Promise.all([ready(PORTS.off), ready(PORTS.on)]);
    const rows = [];
    for (const [reader, ua] of Object.entries(READERS)) {
      const rates = { off: [] as number[], on: [] as number[] };
      for (const port of [PORTS.off, PORTS.on]) wrk(port, ua); // warm: the entry cached, the isolate hot
      for (let round = 0; round < ROUNDS; round++) {
        // Interleaved, the order swapped each round, so drift on a shared machine hits both.
        const order = round % 2 ? (["on", "off"] as const) : (["off", "on"] as const);
        for (const mode of order) rates[mode].push(wrk(PORTS[mode], ua));
      }
      const off = median(rates.off);
      const on = median(rates.on);
      rows.push({ reader, offRps: off, onRps: on, ratio: on / off, rounds: rates });
      console.error(`${reader}: off ${off.toFixed(0)} req/s, on ${on.toFixed(0)} req/s, ${(on / off).toFixed(3)}×`);
    }
    const counted = await fetch(`http://127.0.0.1:${PORTS.on}/stats.json`, {
      headers: { Authorization: "Bearer bench-stats-token-0123456789abcdef" },
    }).then((r) => r.json());
    console.log(
      `\nEnd to end, wrk -c${CONNECTIONS} on wrangler dev, median of ${ROUNDS} interleaved ${SECONDS} s rounds:\n`,
    );
    console.log("| reader | counting off (req/s) | counting on (req/s) | on / off | target |");
    console.log("| --- | --- | --- | --- | --- |");
    for (const row of rows) {
      const verdict = row.ratio >= TARGET ? "met" : "missed";
      console.log(
        `| ${row.reader} | ${row.offRps.toFixed(0)} | ${row.onRps.toFixed(0)} | ${row.ratio.toFixed(3)}× | ≥ ${TARGET}× ${verdict} |`,
      );
    }
    const e2eTable = markdownTable(
      ["reader", "counting off (req/s)", "counting on (req/s)", "on / off", "spread of rounds (on / off)", "target"],
      rows.map((row) => [
        row.reader,
        row.offRps.toFixed(0),
        row.onRps.toFixed(0),
        `${row.ratio.toFixed(3)}×`,
        spread(row.rounds),
        `≥ ${TARGET}× ${row.ratio >= TARGET ? "met" : "missed"}`,
      ]),
    );
    await writeSection(
      "stats",
      [
        machineLine(load),
        "",
        "In process, median per cache hit of `/feed.json` (the app's fetch, the body and the waitUntil work it queued):",
        "",
        inprocTable,
        "",
        `End to end, \`wrk -c${CONNECTIONS}\` on two \`wrangler dev\` servers (one with \`STATS_TOKEN\` over its own local D1), median of ${ROUNDS} interleaved ${SECONDS} s rounds:`,
        "",
        e2eTable,
      ].join("\n"),
    );
    const result = {
      machine: machineLine(load),
      feed: FEED,
      inproc,
      e2e: { rounds: ROUNDS, seconds: SECONDS, connections: CONNECTIONS, rows },
      counted,
    };
    await mkdir(path.join(ROOT, "bench-results"), { recursive: true });
    await writeFile(path.join(ROOT, "bench-results", "stats.json"), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    for (const server of servers) {
      try {
        if (server.pid) process.kill(-server.pid, "SIGTERM");
      } catch {
        // Already gone.
      }
    }
    await sleep(500);
    rmSync(state, { recursive: true, force: true });
  }
}

await main();
