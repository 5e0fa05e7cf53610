// Cold start in workerd itself: the bundle `wrangler deploy --dry-run` wrote, served by the
// workerd binary that `wrangler dev` runs, from process start to the first response.
// workerd has no switch that times a script's start-up, so the same run with an empty
// Worker is the baseline: the difference is what loading this script and answering costs.
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { WorkerVars } from "./runtime.js";

export interface WorkerdStart {
  /** Process start to the first response's last byte. */
  firstResponseMs: number;
  /** workerd's user + system CPU by then (clock ticks of 10 ms). */
  cpuMs: number;
  /** workerd's resident memory after the first response. */
  rssMiB: number;
}

/** The compatibility settings of wrangler.toml, which the bundle was built for. */
export interface Compatibility {
  date: string;
  flags: string[];
}

const READY_TIMEOUT_MS = 60_000;

/** The workerd binary of the pinned wrangler (its own dependency, not the test pool's newer one). */
function workerdBinary(): string {
  const fromWrangler = createRequire(createRequire(import.meta.url).resolve("wrangler/package.json"));
  const { default: binary } = fromWrangler("workerd") as { default: string };
  return binary;
}

/** A workerd config: the script under test and a Cache API service where every lookup misses. */
function capnpConfig(port: number, vars: WorkerVars, compatibility: Compatibility, d1Stub = false): string {
  const texts = Object.entries(vars).map(
    ([name, value]) => `(name = ${JSON.stringify(name)}, text = ${JSON.stringify(String(value))})`,
  );
  const bindings = [...texts, ...(d1Stub ? ['(name = "DB", wrapped = (moduleName = "bench:d1-stub"))'] : [])].join(
    ", ",
  );
  const extensions = d1Stub
    ? '\n  extensions = [(modules = [(name = "bench:d1-stub", esModule = embed "d1-stub.js", internal = true)])],'
    : "";
  const flags = compatibility.flags.map((flag) => JSON.stringify(flag)).join(", ");
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .main), (name = "cache", worker = .cache)],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],${extensions}
);
const main :Workerd.Worker = (
  modules = [(name = "index.js", esModule = embed "index.js")],
  compatibilityDate = "${compatibility.date}",
  compatibilityFlags = [${flags}],
  cacheApiOutbound = "cache",
  bindings = [${bindings}],
);
const cache :Workerd.Worker = (
  modules = [(name = "cache.js", esModule = embed "cache.js")],
  compatibilityDate = "${compatibility.date}",
);
`;
}

/**
 * workerd's Cache API speaks HTTP to this service: a GET is a lookup (504 with
 * `cf-cache-status: MISS` is a miss), a PUT stores. A cold isolate misses anyway.
 */
const MISS_CACHE = `export default {
  async fetch(request) {
    if (request.method === "GET") return new Response(null, { status: 504, headers: { "cf-cache-status": "MISS" } });
    await request.body?.cancel();
    return new Response(null, { status: request.method === "PUT" ? 204 : 404 });
  },
};
`;

/**
 * A D1 binding that accepts every write and reads nothing, for the subscriber-count cells:
 * raw workerd has no D1, and a hit's cost is what is measured (a count's write happens once
 * per feed, client and day, after the response).
 */
const D1_STUB = `export default function () {
  const statement = { bind: () => statement, run: async () => ({ success: true, results: [] }) };
  return { prepare: () => statement, batch: async (list) => list.map(() => ({ success: true, results: [] })) };
}
`;

/** An empty Worker: the baseline of process start-up, config parsing and one request. */
export const EMPTY_WORKER = 'export default { fetch: () => new Response("ok") };\n';

function procFigures(pid: number): { cpuMs: number; rssMiB: number } {
  // /proc/<pid>/stat: fields after the command's closing parenthesis; utime and stime are 14 and 15.
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  const rssKiB = Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
  return { cpuMs: ticks * 10, rssMiB: rssKiB / 1024 };
}

const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

async function firstResponse(url: string, child: ChildProcess, deadline: number): Promise<Response> {
  for (;;) {
    if (!running(child)) throw new Error(`workerd exited (${child.exitCode ?? child.signalCode}) before answering`);
    if (performance.now() > deadline) throw new Error(`workerd did not answer ${url} within ${READY_TIMEOUT_MS} ms`);
    try {
      return await fetch(url);
    } catch {
      await sleep(2); // not listening yet: workerd loads every script before it opens sockets
    }
  }
}

/** Serves `script` (a file, or the empty Worker's source) in a fresh workerd and times the first GET of `pathname`. */
export async function workerdColdStart(
  script: { file: string } | { source: string },
  work: string,
  port: number,
  vars: WorkerVars,
  compatibility: Compatibility,
  pathname = "/feed.json",
): Promise<WorkerdStart> {
  const dir = path.join(work, "workerd");
  await mkdir(dir, { recursive: true });
  const entry = path.join(dir, "index.js");
  if ("file" in script) await copyFile(script.file, entry);
  else await writeFile(entry, script.source);
  await writeFile(path.join(dir, "cache.js"), MISS_CACHE);
  await writeFile(path.join(dir, "config.capnp"), capnpConfig(port, vars, compatibility));

  const binary = workerdBinary();
  const started = performance.now();
  const child = spawn(binary, ["serve", path.join(dir, "config.capnp")], { stdio: "ignore" });
  try {
    const url = `http://127.0.0.1:${port}${pathname}`;
    const response = await firstResponse(url, child, started + READY_TIMEOUT_MS);
    const body = await response.arrayBuffer();
    const firstResponseMs = performance.now() - started;
    // A start-up that ends in an error page is no figure: stop the bench instead.
    if (response.status !== 200)
      throw new Error(`${url} answered ${response.status}: ${new TextDecoder().decode(body).slice(0, 300)}`);
    return { firstResponseMs, ...procFigures(child.pid as number) };
  } finally {
    child.kill();
    await new Promise((resolve) => (running(child) ? child.once("exit", resolve) : resolve(undefined)));
  }
}

export interface Served {
  url: string;
  stop: () => Promise<void>;
  /** CPU time workerd has run so far, all its threads, in ns (from /proc). */
  cpuNs: () => number;
}

/**
 * A process's CPU time in ns: the first field of each thread's schedstat. Unlike a rate,
 * it does not move when other processes take the cores, so it is the steadier figure on a
 * shared machine; Linux only.
 */
export function processCpuNs(pid: number): number {
  let total = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // A thread that ended between the listing and the read.
    }
  }
  return total;
}

/** Serves `script` in workerd on `port` until `stop()`: the end-to-end bench loads it over HTTP. */
export async function serveWorkerd(
  script: { file: string } | { source: string },
  dir: string,
  port: number,
  vars: WorkerVars,
  compatibility: Compatibility,
  options: { d1Stub?: boolean } = {},
): Promise<Served> {
  await mkdir(dir, { recursive: true });
  const entry = path.join(dir, "index.js");
  if ("file" in script) await copyFile(script.file, entry);
  else await writeFile(entry, script.source);
  await writeFile(path.join(dir, "cache.js"), MISS_CACHE);
  if (options.d1Stub) await writeFile(path.join(dir, "d1-stub.js"), D1_STUB);
  await writeFile(path.join(dir, "config.capnp"), capnpConfig(port, vars, compatibility, options.d1Stub));
  const child = spawn(workerdBinary(), ["serve", path.join(dir, "config.capnp")], { stdio: "ignore" });
  const stop = async () => {
    child.kill();
    await new Promise((resolve) => (running(child) ? child.once("exit", resolve) : resolve(undefined)));
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await (await firstResponse(`${url}/`, child, performance.now() + READY_TIMEOUT_MS)).arrayBuffer();
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop, cpuNs: () => processCpuNs(child.pid as number) };
}
