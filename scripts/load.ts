// `npm run load`: serves the Worker with its own `wrangler dev` on 127.0.0.1, drives a timed,
// weighted mix of feed requests at it with autocannon, checks every answer's status against
// what its kind expects, and reports throughput, latency, statuses and workerd memory.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import autocannon from "autocannon";

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
  method: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
  expected: "200" | "304" | "4xx";
}

const MIX = {
  cached: 30,
  uncached: 15,
  conditional: 20,
  // No HEAD: autocannon's parser (http-parser-js) is never told a request was HEAD, so it
  // waits for the Content-Length body that never comes and the connection stalls until it
  // times out. HEAD is tested in workerd (test/http.test.ts, test/cache.test.ts).
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
mix of cached, uncached, conditional and bad requests (autocannon), prints throughput, latency,
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

// ---- the run: autocannon drives the connections and times the requests; we check each answer

/** Per kind: what came back, and what did not match the status the probe expects. */
interface Tally {
  requests: number;
  classes: Record<StatusClass, number>;
  xCache: Record<string, number>;
  mismatches: number;
  etagChanges: number;
}

type StatusClass = "2xx" | "304" | "4xx" | "5xx" | "other";

interface Sample {
  kind: KindName;
  method: string;
  path: string;
  expected: string;
  status: number;
  xCache?: string;
  body: string;
}

interface Checks {
  tallies: Map<KindName | "all", Tally>;
  samples: Sample[];
}

const newTally = (): Tally => ({
  requests: 0,
  classes: { "2xx": 0, "304": 0, "4xx": 0, "5xx": 0, other: 0 },
  xCache: {},
  mismatches: 0,
  etagChanges: 0,
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

/** autocannon hands headers over as sent: match names case-insensitively. */
function header(headers: Record<string, string | string[]>, name: string): string | undefined {
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return Array.isArray(value) ? value[0] : value;
}

function check(
  checks: Checks,
  etags: Map<string, string>,
  probe: Probe,
  status: number,
  body: string,
  headers: Record<string, string | string[]>,
) {
  let ok = meetsExpectation(probe.expected, status);
  const etag = header(headers, "etag");
  // New content (a scheduled article going live) legitimately answers 200 with a new ETag.
  const etagChanged =
    probe.kind === "conditional" && status === 200 && etag !== undefined && etag !== probe.headers?.["If-None-Match"];
  if (etagChanged && etag !== undefined) {
    etags.set(probe.path, etag);
    ok = true;
  }
  const xCache = header(headers, "x-cache");
  for (const tally of [checks.tallies.get(probe.kind), checks.tallies.get("all")]) {
    if (!tally) continue;
    tally.requests++;
    tally.classes[statusClass(status)]++;
    if (xCache !== undefined) tally.xCache[xCache] = (tally.xCache[xCache] ?? 0) + 1;
    if (!ok) tally.mismatches++;
    if (etagChanged) tally.etagChanges++;
  }
  if ((!ok || status >= 500) && checks.samples.length < SAMPLES_KEPT) {
    const { kind, method, path, expected } = probe;
    checks.samples.push({ kind, method, path: path.slice(0, 160), expected, status, xCache, body: body.slice(0, 300) });
  }
}

/**
 * One autocannon request per slot of the smooth schedule; every connection walks the
 * schedule in turn. Each slot builds its probe when it is sent (the n-th of its kind, the
 * current ETag) and checks the answer against it.
 */
function requests(checks: Checks, etags: Map<string, string>): autocannon.Request[] {
  const counters = new Map<KindName, number>();
  const slots = schedule().map((kind) => ({
    setupRequest: (request: autocannon.Request, context: Record<string, unknown>) => {
      const n = counters.get(kind) ?? 0;
      counters.set(kind, n + 1);
      const probe = probeFor(kind, n, etags);
      context.probe = probe;
      // A request target only: every connection is to the loopback `url` given to autocannon.
      return { ...request, method: probe.method, path: probe.path, headers: probe.headers ?? {} };
    },
    onResponse: (
      status: number,
      body: string,
      context: Record<string, unknown>,
      headers: Record<string, string | string[]>,
    ) => check(checks, etags, context.probe as Probe, status, body, headers),
  }));
  // @types/autocannon (7.12) predates onResponse's context and headers arguments.
  return slots as unknown as autocannon.Request[];
}

async function load(options: Options, etags: Map<string, string>, signal: AbortSignal) {
  const checks: Checks = {
    tallies: new Map([["all", newTally()], ...KIND_NAMES.map((kind) => [kind, newTally()] as const)]),
    samples: [],
  };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: target(options.port, "/"),
        connections: options.connections,
        duration: options.seconds,
        maxOverallRequests: Math.max(options.maxRequests, options.connections),
        timeout: REQUEST_TIMEOUT_MS / 1000,
        requests: requests(checks, etags),
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    signal.addEventListener("abort", () => instance.stop(), { once: true });
  });
  return { result, checks };
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

function printTable(checks: Checks): void {
  const head = ["requests", "2xx", "304", "4xx", "5xx", "other", "mismatch"];
  console.log("kind".padEnd(16) + head.map((cell) => cell.padStart(9)).join(""));
  for (const [name, tally] of checks.tallies) {
    const { classes } = tally;
    const cells = [tally.requests, classes["2xx"], classes["304"], classes["4xx"], classes["5xx"], classes.other];
    console.log(name.padEnd(16) + [...cells, tally.mismatches].map((cell) => String(cell).padStart(9)).join(""));
  }
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
    const startedAt = new Date().toISOString();
    const { result, checks } = await load(options, etags, interrupt.signal);
    const peakRss = peak.stop();
    return report(options, result, checks, {
      before: memoryBefore,
      after: workerdMemory(pgid),
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

function report(options: Options, result: autocannon.Result, checks: Checks, facts: RunFacts): number {
  const all = checks.tallies.get("all") ?? newTally();
  const rssBefore = totalRss(facts.before);
  const rssAfter = totalRss(facts.after);
  const delta = rssAfter - rssBefore;
  const transportErrors = result.errors + result.timeouts;

  console.log(`\n${autocannon.printResult(result, { renderResultsTable: true, renderLatencyTable: false })}`);
  printTable(checks);
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
  console.log(`transport errors: ${result.errors} errors, ${result.timeouts} timeouts`);
  console.log(`expected-status mismatches: ${all.mismatches}; 5xx: ${all.classes["5xx"]}`);
  for (const sample of checks.samples) console.log(`  ${JSON.stringify(sample)}`);

  const failed = all.classes["5xx"] > 0 || transportErrors > 0 || all.mismatches > 0;
  const verdict = facts.interrupted ? "INTERRUPTED" : failed ? "FAILED" : "ok";
  const results = {
    startedAt: facts.startedAt,
    target: `http://${HOST}:${options.port}`,
    options,
    mix: MIX,
    durationS: result.duration,
    interrupted: facts.interrupted,
    requests: result.requests,
    latencyMs: result.latency,
    throughputBytes: result.throughput,
    errors: result.errors,
    timeouts: result.timeouts,
    kinds: Object.fromEntries(checks.tallies),
    samples: checks.samples,
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
