// What counting costs one cache hit in CPU, in process: the app's fetch, the body read and
// the waitUntil work it queued (the counting itself), timed together, requests alternating
// between an env without STATS_TOKEN and one with it (over a D1 stub that counts writes).

import index from "../../.generated/content-index.js";
import { createApp } from "../../src/app.js";
import { BundledStore } from "../../src/store/bundled.js";
import { installCache, MapCache, stubContext, summarize, workerEnv, workerVars } from "./runtime.js";

export interface InprocStats {
  reader: string;
  offMs: number;
  onMs: number;
  /** Hits per second with counting on, relative to off (offMs / onMs). */
  ratio: number;
  writes: number;
}

function d1Stub() {
  let writes = 0;
  const statement = { bind: () => statement, run: async () => void writes++ };
  const db = { prepare: () => statement } as unknown as D1Database;
  return { db, writes: () => writes };
}

export async function measureInproc(readers: Record<string, string>, samples = 3000): Promise<InprocStats[]> {
  installCache(new MapCache());
  const vars = workerVars();
  const store = new BundledStore(index);
  const app = createApp({ store, now: Date.now });
  const stub = d1Stub();
  const envs = {
    off: workerEnv(vars),
    on: { ...workerEnv(vars), STATS_TOKEN: "bench-stats-token-0123456789abcdef", DB: stub.db } as Env,
  };
  const url = `${vars.SITE_URL}/feed.json`;
  const time = async (env: Env, userAgent: string) => {
    const { ctx, flush } = stubContext();
    const request = new Request(url, { headers: { "User-Agent": userAgent, "CF-Connecting-IP": "198.51.100.7" } });
    const started = performance.now();
    const response = await app.fetch(request, env, ctx);
    await response.arrayBuffer();
    await flush();
    return performance.now() - started;
  };
  const results: InprocStats[] = [];
  for (const [reader, ua] of Object.entries(readers)) {
    const times = { off: [] as number[], on: [] as number[] };
    for (let i = 0; i < 200; i++) for (const env of [envs.off, envs.on]) await time(env, ua);
    for (let i = 0; i < samples; i++) {
      const order = i % 2 ? (["on", "off"] as const) : (["off", "on"] as const);
      for (const mode of order) times[mode].push(await time(envs[mode], ua));
    }
    const offMs = summarize(times.off).medianMs;
    const onMs = summarize(times.on).medianMs;
    results.push({ reader, offMs, onMs, ratio: offMs / onMs, writes: stub.writes() });
  }
  return results;
}
