// Cold start in a fresh Node, to break a Worker's start-up down (workerd.ts times the bundle in workerd):
// `node --import tsx scripts/bench/startup.ts <index.js>` prints the timings as one JSON line.
import { pathToFileURL } from "node:url";
import type { ContentIndex } from "../../src/content/article.js";
import { FIXED_NOW, installCache, missCache, stubContext, workerEnv, workerVars } from "./runtime.js";

export interface StartupRun {
  totalMs: number;
  /** Importing the generated index module: compiling it and its JSON.parse. */
  indexMs: number;
  /** Importing src/app.ts and src/store/bundled.ts (tsx transpiles them; workerd gets a bundle). */
  codeMs: number;
  /** `new BundledStore(index)` and `createApp`: the per-isolate indexing. */
  storeMs: number;
  /** The first app.fetch of /feed.json, body read. */
  fetchMs: number;
  /** User + system CPU over the whole span. */
  cpuMs: number;
  /** V8 heap in use after the first response. */
  heapMiB: number;
}

const file = process.argv[2];
if (!file) throw new Error("usage: startup.ts <content-index.js>");
const vars = workerVars();
const { ctx } = stubContext();
installCache(missCache);

const cpuStart = process.cpuUsage();
const started = performance.now();
const { default: index } = (await import(pathToFileURL(file).href)) as { default: ContentIndex };
const indexLoaded = performance.now();
const [{ createApp }, { BundledStore }] = await Promise.all([
  import("../../src/app.js"),
  import("../../src/store/bundled.js"),
]);
const codeLoaded = performance.now();
const app = createApp({ store: new BundledStore(index), now: () => FIXED_NOW });
const appReady = performance.now();
const response = await app.fetch(new Request(`${String(vars.SITE_URL)}/feed.json`), workerEnv(vars), ctx);
const body = await response.arrayBuffer();
const answered = performance.now();
// A start-up that ends in an error page is no figure: fail, and the bench with it.
if (response.status !== 200)
  throw new Error(`/feed.json answered ${response.status}: ${new TextDecoder().decode(body).slice(0, 300)}`);
const cpu = process.cpuUsage(cpuStart);

const run: StartupRun = {
  totalMs: answered - started,
  indexMs: indexLoaded - started,
  codeMs: codeLoaded - indexLoaded,
  storeMs: appReady - codeLoaded,
  fetchMs: answered - appReady,
  cpuMs: (cpu.user + cpu.system) / 1000,
  heapMiB: process.memoryUsage().heapUsed / 2 ** 20,
};
console.log(JSON.stringify(run));
