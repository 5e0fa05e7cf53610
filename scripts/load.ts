// `npm run load`: serves the Worker with its own `wrangler dev` on 127.0.0.1, drives a timed,
// weighted mix of feed requests at it, and reports throughput, latency, statuses and workerd memory.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const HOST = "127.0.0.1";
const READY_TIMEOUT_MS = 90_000;
const REQUEST_TIMEOUT_MS = 10_000;
const FEEDS = ["/rss.xml", "/atom.xml", "/feed.json"] as const;
const SAMPLES_KEPT = 20;
const MIB = 1024 * 1024;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outDir = path.join(root, "bench-results");
const logPath = path.join(outDir, "wrangler-dev.log");

interface Options {
  seconds: number;
  connections: number;
  port: number;
  maxRequests: number;
}

/** One request to send and the status it must get. */
interface Probe {
  kind: KindName;
  method: "GET" | "HEAD" | "POST";
  path: string;
  headers?: Record<string, string>;
  expected: "200" | "304" | "4xx";
}

const MIX = {
  cached: 30,
  uncached: 15,
  conditional: 20,
  head: 10,
  "bad-limit-0": 4,
  "bad-limit-abc": 4,
  "bad-limit-twice": 4,
  "bad-post": 4,
  "bad-not-found": 4,
  "bad-long-query": 5,
} as const;

type KindName = keyof typeof MIX;
const KIND_NAMES = Object.keys(MIX) as KindName[];

const feedAt = (n: number) => FEEDS[n % FEEDS.length] as string;

/** The n-th request of each kind; rotating over the three formats keeps every kind on all of them. */
function probeFor(kind: KindName, n: number, etags: Map<string, string>): Probe {
  const feed = feedAt(n);
  switch (kind) {
    case "cached":
      return { kind, method: "GET", path: feed, expected: "200" };
    case "uncached":
      // Each format × limit 1..100 is its own cache key: the first 300 are misses.
      return {
        kind,
        method: "GET",
        path: `${feed}?limit=${(Math.floor(n / FEEDS.length) % 100) + 1}`,
        expected: "200",
      };
    case "conditional":
      return { kind, method: "GET", path: feed, headers: { "If-None-Match": etags.get(feed) ?? "" }, expected: "304" };
    case "head":
      return { kind, method: "HEAD", path: feed, expected: "200" };
    case "bad-limit-0":
      return { kind, method: "GET", path: `${feed}?limit=0`, expected: "4xx" };
    case "bad-limit-abc":
      return { kind, method: "GET", path: `${feed}?limit=abc`, expected: "4xx" };
    case "bad-limit-twice":
      return { kind, method: "GET", path: `${feed}?limit=5&limit=5`, expected: "4xx" };
    case "bad-post":
      return { kind, method: "POST", path: feed, expected: "4xx" };
    case "bad-not-found":
      return { kind, method: "GET", path: `/no-such-feed-${n % 50}.xml`, expected: "4xx" };
    case "bad-long-query":
      // A ~6,000-character value for a known parameter: the query parser must reject it, cheaply.
      return { kind, method: "GET", path: `${feed}?limit=${"9".repeat(6000)}`, expected: "4xx" };
  }
}

/** Smooth weighted round robin: the kinds interleave evenly instead of arriving in bursts. */
function schedule(): KindName[] {
  const total = KIND_NAMES.reduce((sum, name) => sum + MIX[name], 0);
  const current = new Map<KindName, number>(KIND_NAMES.map((name) => [name, 0]));
  const order: KindName[] = [];
  for (let slot = 0; slot < total; slot++) {
    let best = KIND_NAMES[0] as KindName;
    for (const name of KIND_NAMES) {
      current.set(name, (current.get(name) ?? 0) + MIX[name]);
      if ((current.get(name) ?? 0) > (current.get(best) ?? 0)) best = name;
    }
    current.set(best, (current.get(best) ?? 0) - total);
    order.push(best);
  }
  return order;
}

// ---- options and the loopback guard

function fail(message: string): never {
  console.error(`load: ${message}`);
  process.exit(2);
}

function intOption(name: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    fail(`--${name} must be a whole number in ${min}..${max}`);
  return value;
}

const USAGE = `usage: npm run load [-- --seconds 20] [--connections 16] [--port 8799] [--max-requests N]
Serves the Worker with its own wrangler dev on 127.0.0.1:PORT, sends it a bounded, weighted
mix of cached, uncached, conditional, HEAD and bad requests, prints throughput, latency,
statuses and workerd's memory, writes bench-results/load.json, and fails on any 5xx,
transport error or unexpected status. It never targets anything but 127.0.0.1.`;

function parseOptions(): Options {
  if (process.argv.includes("--help") || process.argv.includes("-h")) {
    console.log(USAGE);
    process.exit(0);
  }
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        seconds: { type: "string", default: "20" },
        connections: { type: "string", default: "16" },
        port: { type: "string", default: "8799" },
        "max-requests": { type: "string", default: "2000000" },
        host: { type: "string", default: HOST },
      },
    }));
  } catch (error) {
    fail(`${(error as Error).message}\n\n${USAGE}`);
  }

  if (values.host !== HOST) fail(`refusing to load ${values.host}: this script only targets ${HOST}`);
  return {
    seconds: intOption("seconds", values.seconds ?? "", 1, 600),
    connections: intOption("connections", values.connections ?? "", 1, 256),
    port: intOption("port", values.port ?? "", 1024, 65535),
    maxRequests: intOption("max-requests", values["max-requests"] ?? "", 1, 2_000_000),
  };
}

/** Every URL is built here, and nothing but loopback ever leaves it. */
function target(port: number, pathAndQuery: string): string {
  const url = new URL(pathAndQuery, `http://${HOST}:${port}`);
  if (url.hostname !== HOST) throw new Error(`refusing to request ${url.href}: not ${HOST}`);
  return url.href;
}

// ---- processes: the dev server's tree, its workerd memory, its shutdown

interface Proc {
  pid: number;
  ppid: number;
  pgrp: number;
  state: string;
  comm: string;
}

function readProc(pid: number): Proc | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // comm is parenthesised and may hold spaces or parentheses: split after the last ")".
    const close = stat.lastIndexOf(")");
    const [state = "", ppid = "0", pgrp = "0"] = stat.slice(close + 2).split(" ");
    return { pid, ppid: Number(ppid), pgrp: Number(pgrp), state, comm: stat.slice(stat.indexOf("(") + 1, close) };
  } catch {
    return undefined; // gone meanwhile
  }
}

function allProcs(): Proc[] {
  const procs: Proc[] = [];
  for (const entry of readdirSync("/proc")) {
    const proc = /^\d+$/.test(entry) ? readProc(Number(entry)) : undefined;
    if (proc) procs.push(proc);
  }
  return procs;
}

function descendants(rootPid: number): Proc[] {
  const procs = allProcs();
  const found: Proc[] = [];
  let parents = new Set([rootPid]);
  while (parents.size > 0) {
    const children = procs.filter((proc) => parents.has(proc.ppid));
    found.push(...children);
    parents = new Set(children.map((proc) => proc.pid));
  }
  return found;
}

interface ProcMemory {
  pid: number;
  rssBytes: number;
}

function rssBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function workerdMemory(rootPid: number): ProcMemory[] {
  return descendants(rootPid)
    .filter((proc) => proc.comm === "workerd" && proc.state !== "Z")
    .map((proc) => ({ pid: proc.pid, rssBytes: rssBytes(proc.pid) }));
}

const totalRss = (procs: ProcMemory[]) => procs.reduce((sum, proc) => sum + proc.rssBytes, 0);

function startServer(port: number, persistTo: string): ChildProcess {
  const log = openSync(logPath, "w");
  // detached: the child leads its own process group, so `kill -pid` reaches workerd too.
  // A private --persist-to keeps this cache apart from any other `wrangler dev` in the checkout.
  const child = spawn(
    "npx",
    [
      "wrangler",
      "dev",
      "--ip",
      HOST,
      "--port",
      String(port),
      "--persist-to",
      persistTo,
      "--show-interactive-dev-session=false",
    ],
    { cwd: root, detached: true, stdio: ["ignore", log, log], env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
  );
  closeSync(log);
  return child;
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // the group is gone already
  }
}

const groupAlive = (pgid: number) => allProcs().some((proc) => proc.pgrp === pgid && proc.state !== "Z");

async function waitGroupGone(pgid: number, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    if (!groupAlive(pgid)) return true;
    await sleep(100);
  }
  return !groupAlive(pgid);
}

async function stopServer(child: ChildProcess): Promise<void> {
  const pgid = child.pid;
  if (pgid === undefined) return;
  signalGroup(pgid, "SIGTERM");
  if (await waitGroupGone(pgid, 5000)) return;
  signalGroup(pgid, "SIGKILL");
  if (!(await waitGroupGone(pgid, 2000))) console.error(`load: process group ${pgid} still alive after SIGKILL`);
}

function logTail(lines: number): string {
  try {
    return readFileSync(logPath, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

async function portAnswers(port: number): Promise<boolean> {
  try {
    const res = await fetch(target(port, "/"), { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

async function waitReady(port: number, child: ChildProcess, signal: AbortSignal): Promise<void> {
  const deadline = performance.now() + READY_TIMEOUT_MS;
  while (performance.now() < deadline) {
    if (signal.aborted) throw new Error("interrupted while waiting for wrangler dev");
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`wrangler dev exited (${child.exitCode ?? child.signalCode}) before serving:\n${logTail(30)}`);
    }
    try {
      const res = await fetch(target(port, "/feed.json"), { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`GET /feed.json on port ${port} did not answer 200 within 90 s:\n${logTail(30)}`);
}

/** The ETag of each feed, for conditional requests; this also warms the default views. */
async function primeEtags(port: number): Promise<Map<string, string>> {
  const etags = new Map<string, string>();
  for (const feed of FEEDS) {
    const res = await fetch(target(port, feed), { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    await res.arrayBuffer();
    const etag = res.headers.get("ETag");
    if (res.status !== 200 || etag === null) throw new Error(`GET ${feed} gave ${res.status} and ETag ${etag}`);
    etags.set(feed, etag);
  }
  return etags;
}

// ---- the run and its statistics

type StatusClass = "2xx" | "304" | "4xx" | "5xx" | "other";

interface Stats {
  latencies: number[];
  classes: Record<StatusClass, number>;
  xCache: Record<string, number>;
  errors: number;
  mismatches: number;
  etagChanges: number;
  bytes: number;
}

interface Sample {
  kind: KindName;
  method: string;
  path: string;
  expected: string;
  status?: number;
  xCache?: string | null;
  body?: string;
  error?: string;
}

interface Run {
  port: number;
  deadline: number;
  maxRequests: number;
  issued: number;
  order: KindName[];
  counters: Map<KindName, number>;
  etags: Map<string, string>;
  stats: Map<KindName | "all", Stats>;
  errorMessages: Map<string, number>;
  samples: Sample[];
  signal: AbortSignal;
}

const newStats = (): Stats => ({
  latencies: [],
  classes: { "2xx": 0, "304": 0, "4xx": 0, "5xx": 0, other: 0 },
  xCache: {},
  errors: 0,
  mismatches: 0,
  etagChanges: 0,
  bytes: 0,
});

function statusClass(status: number): StatusClass {
  if (status === 304) return "304";
  if (status >= 200 && status < 300) return "2xx";
  if (status >= 400 && status < 500) return "4xx";
  if (status >= 500) return "5xx";
  return "other";
}

function meetsExpectation(expected: Probe["expected"], status: number): boolean {
  return expected === "4xx" ? status >= 400 && status < 500 : String(status) === expected;
}

function statsFor(run: Run, kind: KindName): Stats[] {
  return [run.stats.get(kind), run.stats.get("all")].filter((stats): stats is Stats => stats !== undefined);
}

function keepSample(run: Run, sample: Sample): void {
  if (run.samples.length < SAMPLES_KEPT) run.samples.push({ ...sample, path: sample.path.slice(0, 160) });
}

function recordResponse(run: Run, probe: Probe, res: Response, body: ArrayBuffer, ms: number): void {
  const xCache = res.headers.get("X-Cache");
  let ok = meetsExpectation(probe.expected, res.status);
  const etag = res.headers.get("ETag");
  // New content (a scheduled article going live) legitimately answers 200 with a new ETag.
  const etagChanged =
    probe.kind === "conditional" && res.status === 200 && etag !== null && etag !== probe.headers?.["If-None-Match"];
  if (etagChanged && etag !== null) {
    run.etags.set(probe.path, etag);
    ok = true;
  }
  for (const stats of statsFor(run, probe.kind)) {
    stats.latencies.push(ms);
    stats.classes[statusClass(res.status)]++;
    if (xCache !== null) stats.xCache[xCache] = (stats.xCache[xCache] ?? 0) + 1;
    stats.bytes += body.byteLength;
    if (!ok) stats.mismatches++;
    if (etagChanged) stats.etagChanges++;
  }
  if (!ok || res.status >= 500) {
    const text = new TextDecoder().decode(body.slice(0, 300));
    keepSample(run, { ...probe, status: res.status, xCache, body: text });
  }
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: string; message?: string } | undefined;
  return cause ? `${error.name}: ${error.message} (${cause.code ?? cause.message})` : `${error.name}: ${error.message}`;
}

function recordError(run: Run, probe: Probe, error: unknown): void {
  const message = describeError(error);
  run.errorMessages.set(message, (run.errorMessages.get(message) ?? 0) + 1);
  for (const stats of statsFor(run, probe.kind)) stats.errors++;
  keepSample(run, { ...probe, error: message });
}

async function execute(run: Run, probe: Probe): Promise<void> {
  const started = performance.now();
  try {
    const res = await fetch(target(run.port, probe.path), {
      method: probe.method,
      headers: probe.headers,
      redirect: "manual",
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const body = await res.arrayBuffer(); // latency includes reading the whole body
    recordResponse(run, probe, res, body, performance.now() - started);
  } catch (error) {
    recordError(run, probe, error);
  }
}

function nextProbe(run: Run): Probe {
  const kind = run.order[run.issued % run.order.length] as KindName;
  const n = run.counters.get(kind) ?? 0;
  run.counters.set(kind, n + 1);
  run.issued++;
  return probeFor(kind, n, run.etags);
}

async function worker(run: Run): Promise<void> {
  while (!run.signal.aborted && performance.now() < run.deadline && run.issued < run.maxRequests) {
    await execute(run, nextProbe(run));
  }
}

/** The highest workerd RSS seen while the load runs. */
function watchPeak(rootPid: number): { stop: () => number } {
  let peak = totalRss(workerdMemory(rootPid));
  const timer = setInterval(() => {
    peak = Math.max(peak, totalRss(workerdMemory(rootPid)));
  }, 1000);
  return {
    stop: () => {
      clearInterval(timer);
      return peak;
    },
  };
}

// ---- the report

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

function summarise(stats: Stats, seconds: number) {
  const sorted = Float64Array.from(stats.latencies).sort();
  const round = (ms: number) => Math.round(ms * 100) / 100;
  const requests = stats.latencies.length + stats.errors;
  return {
    requests,
    rps: Math.round(requests / seconds),
    latencyMs: {
      p50: round(percentile(sorted, 50)),
      p90: round(percentile(sorted, 90)),
      p99: round(percentile(sorted, 99)),
      max: round(sorted[sorted.length - 1] ?? 0),
    },
    status: stats.classes,
    xCache: stats.xCache,
    transportErrors: stats.errors,
    mismatches: stats.mismatches,
    etagChanges: stats.etagChanges,
    bytes: stats.bytes,
  };
}

type Summary = ReturnType<typeof summarise>;

function tableRow(name: string, s: Summary): string {
  const cells = [
    s.requests,
    s.rps,
    s.latencyMs.p50.toFixed(1),
    s.latencyMs.p90.toFixed(1),
    s.latencyMs.p99.toFixed(1),
    s.latencyMs.max.toFixed(1),
    s.status["2xx"],
    s.status["304"],
    s.status["4xx"],
    s.status["5xx"],
    s.status.other,
    s.transportErrors,
    s.mismatches,
  ];
  return name.padEnd(16) + cells.map((cell) => String(cell).padStart(9)).join("");
}

function printTable(rows: [string, Summary][]): void {
  const head = ["requests", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "2xx", "304", "4xx", "5xx", "other"];
  console.log("kind".padEnd(16) + [...head, "errors", "mismatch"].map((cell) => cell.padStart(9)).join(""));
  for (const [name, summary] of rows) console.log(tableRow(name, summary));
}

const mib = (bytes: number) => (bytes / MIB).toFixed(1);
const signed = (bytes: number) => `${bytes >= 0 ? "+" : ""}${mib(bytes)}`;

/** "pid before→after" for every workerd seen; a reload replaces the process, so either side may be absent. */
function perPid(before: ProcMemory[], after: ProcMemory[]): string {
  const pids = [...new Set([...before, ...after].map((proc) => proc.pid))];
  const rssOf = (procs: ProcMemory[], pid: number) => {
    const proc = procs.find((candidate) => candidate.pid === pid);
    return proc ? mib(proc.rssBytes) : "-";
  };
  return pids.map((pid) => `${pid} ${rssOf(before, pid)}→${rssOf(after, pid)} MiB`).join(", ") || "no workerd found";
}

function reloadsSince(offset: number): number {
  try {
    return readFileSync(logPath, "utf8").slice(offset).split("Reloading local server").length - 1;
  } catch {
    return 0;
  }
}

// ---- main

async function main(): Promise<number> {
  const options = parseOptions();
  mkdirSync(outDir, { recursive: true });
  if (await portAnswers(options.port)) fail(`something already answers on ${HOST}:${options.port}; pick --port`);

  const interrupt = new AbortController();
  // In the checkout, not a shared temp folder.
  mkdirSync(path.join(root, ".cache"), { recursive: true });
  const persistTo = mkdtempSync(path.join(root, ".cache", "load-"));
  const child = startServer(options.port, persistTo);
  const pgid = child.pid;
  if (pgid === undefined) fail("could not start npx wrangler dev");
  let stopped = false;
  // Last resort on any exit path: nothing of the dev server outlives this script.
  process.on("exit", () => {
    if (!stopped) signalGroup(pgid, "SIGKILL");
  });
  const onSignal = () => {
    if (interrupt.signal.aborted) process.exit(130); // a second ^C: the exit hook kills the group
    console.error("load: interrupted; stopping the load and the server");
    interrupt.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  try {
    console.log(`starting wrangler dev on http://${HOST}:${options.port} (log: ${path.relative(root, logPath)})`);
    const readyStarted = performance.now();
    await waitReady(options.port, child, interrupt.signal);
    const etags = await primeEtags(options.port);
    console.log(
      `ready in ${((performance.now() - readyStarted) / 1000).toFixed(1)} s; loading for ${options.seconds} s`,
    );
    const logOffset = readFileSync(logPath, "utf8").length;

    const memoryBefore = workerdMemory(pgid);
    const peak = watchPeak(pgid);
    const run: Run = {
      port: options.port,
      deadline: performance.now() + options.seconds * 1000,
      maxRequests: options.maxRequests,
      issued: 0,
      order: schedule(),
      counters: new Map(),
      etags,
      stats: new Map([["all", newStats()], ...KIND_NAMES.map((kind) => [kind, newStats()] as const)]),
      errorMessages: new Map(),
      samples: [],
      signal: interrupt.signal,
    };
    const startedAt = new Date().toISOString();
    const started = performance.now();
    await Promise.all(Array.from({ length: options.connections }, () => worker(run)));
    const seconds = (performance.now() - started) / 1000;
    const peakRss = peak.stop();
    const memoryAfter = workerdMemory(pgid);

    return report(options, run, seconds, {
      before: memoryBefore,
      after: memoryAfter,
      peakRss,
      reloads: reloadsSince(logOffset),
      interrupted: interrupt.signal.aborted,
      startedAt,
    });
  } finally {
    await stopServer(child);
    stopped = true;
    rmSync(persistTo, { recursive: true, force: true });
  }
}

interface RunFacts {
  before: ProcMemory[];
  after: ProcMemory[];
  peakRss: number;
  reloads: number;
  interrupted: boolean;
  startedAt: string;
}

function report(options: Options, run: Run, seconds: number, facts: RunFacts): number {
  const rows: [string, Summary][] = [["all", summarise(run.stats.get("all") ?? newStats(), seconds)]];
  for (const kind of KIND_NAMES) rows.push([kind, summarise(run.stats.get(kind) ?? newStats(), seconds)]);
  const all = rows[0]?.[1] as Summary;
  const rssBefore = totalRss(facts.before);
  const rssAfter = totalRss(facts.after);
  const delta = rssAfter - rssBefore;

  console.log(
    `\n${all.requests} requests in ${seconds.toFixed(2)} s = ${all.rps} req/s ` +
      `(${options.connections} connections, http://${HOST}:${options.port}${facts.interrupted ? ", INTERRUPTED" : ""})\n`,
  );
  printTable(rows);
  console.log(`\nX-Cache (all): ${JSON.stringify(all.xCache)}; conditional ETag changes: ${all.etagChanges}`);
  console.log(
    `workerd RSS: before ${mib(rssBefore)} MiB, after ${mib(rssAfter)} MiB, delta ${signed(delta)} MiB, ` +
      `peak ${mib(facts.peakRss)} MiB; per pid: ${perPid(facts.before, facts.after)}`,
  );
  console.log(`wrangler reloads during the run: ${facts.reloads}`);
  if (facts.reloads > 0) {
    // wrangler dev holds requests while it rebuilds after an edit in src/, content/ or scripts/.
    console.log("  requests in flight during a reload stall and may time out: rerun while those folders are quiet");
  }
  console.log(`transport errors: ${all.transportErrors}`);
  for (const [message, count] of run.errorMessages) console.log(`  ${count} × ${message}`);
  console.log(`expected-status mismatches: ${all.mismatches}; 5xx: ${all.status["5xx"]}`);
  for (const sample of run.samples) console.log(`  ${JSON.stringify(sample)}`);

  const failed = all.status["5xx"] > 0 || all.transportErrors > 0 || all.mismatches > 0;
  const verdict = facts.interrupted ? "INTERRUPTED" : failed ? "FAILED" : "ok";
  const results = {
    startedAt: facts.startedAt,
    target: `http://${HOST}:${options.port}`,
    options,
    mix: MIX,
    durationS: Math.round(seconds * 1000) / 1000,
    interrupted: facts.interrupted,
    overall: all,
    kinds: Object.fromEntries(rows.slice(1)),
    transportErrors: Object.fromEntries(run.errorMessages),
    samples: run.samples,
    memory: {
      beforeBytes: rssBefore,
      afterBytes: rssAfter,
      deltaMiB: Math.round((delta / MIB) * 10) / 10,
      peakBytes: facts.peakRss,
      processesBefore: facts.before,
      processesAfter: facts.after,
    },
    wranglerReloads: facts.reloads,
    verdict,
  };
  writeFileSync(path.join(outDir, "load.json"), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`results: ${path.relative(root, path.join(outDir, "load.json"))}; ${verdict}`);
  if (facts.interrupted) return 130;
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`load: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
