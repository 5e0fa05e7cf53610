// Benchmark harness shared by scripts/bench.ts and its child processes: the Worker's
// [vars], a stub ExecutionContext, fake Workers caches and the statistics we print.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readWranglerConfig, type WorkerVars } from "../wrangler-config.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The clock of every in-process measurement: all generated past articles are visible. */
export const FIXED_NOW = Date.UTC(2026, 10, 1);

/** The page sizes of the render figures. */
export const LIMITS = [20, 50, 100] as const;
/** The page size of the naive baseline, the filtered view and the cache figures. */
export const BASELINE_LIMIT = 50;

export type { WorkerVars } from "../wrangler-config.js";

const config = () => readWranglerConfig(path.join(ROOT, "wrangler.toml"));

/** The [vars] table of wrangler.toml. */
export function workerVars(): WorkerVars {
  const { vars } = config();
  if (typeof vars.SITE_URL !== "string") throw new Error("wrangler.toml has no [vars] SITE_URL");
  return vars;
}

/** wrangler.toml's compatibility date and flags. */
export function workerCompatibility(): { date: string; flags: string[] } {
  const { compatibilityDate, compatibilityFlags } = config();
  return { date: compatibilityDate, flags: compatibilityFlags };
}

/** The env the app sees: the [vars]; no test here touches the KV binding. */
export const workerEnv = (vars: WorkerVars) => vars as unknown as Env;

/** A stub ExecutionContext that collects waitUntil promises, awaited outside the timers. */
export function stubContext() {
  const pending: Promise<unknown>[] = [];
  const ctx = {
    waitUntil: (promise: Promise<unknown>) => void pending.push(promise),
    passThroughOnException: () => {},
    props: {},
  } as unknown as ExecutionContext;
  const flush = async () => {
    await Promise.all(pending.splice(0));
  };
  return { ctx, flush };
}

type CacheLike = Pick<Cache, "match" | "put">;

/** Node has no `caches`; the app reads `caches.default` at request time, so it can be swapped. */
export function installCache(cache: CacheLike): void {
  Object.defineProperty(globalThis, "caches", { value: { default: cache }, configurable: true, writable: true });
}

/** Every lookup misses and nothing is kept: each request renders. */
export const missCache: CacheLike = {
  match: async () => undefined,
  put: async () => {},
};

const keyOf = (request: RequestInfo | URL) =>
  typeof request === "string" ? request : request instanceof URL ? request.href : request.url;

/** A Map-backed cache: stores the body bytes and headers, answers a fresh Response per hit. */
export class MapCache implements CacheLike {
  private readonly entries = new Map<string, { body: ArrayBuffer; headers: [string, string][] }>();

  async match(request: RequestInfo | URL) {
    const entry = this.entries.get(keyOf(request));
    return entry && new Response(entry.body, { headers: entry.headers });
  }

  async put(request: RequestInfo | URL, response: Response) {
    const body = await response.clone().arrayBuffer();
    this.entries.set(keyOf(request), { body, headers: [...response.headers] });
  }
}

export interface Summary {
  n: number;
  medianMs: number;
  p99Ms: number;
}

/** Median and nearest-rank p99 of a sample in milliseconds. */
export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
  const mid = sorted.length >> 1;
  const median =
    sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { n: sorted.length, medianMs: median, p99Ms: at(0.99) };
}
