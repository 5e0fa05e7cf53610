// A worker thread's module as scripts/launch.mjs bundles it: this file, copied beside the
// worker's CommonJS bundle under the same name (`compile-worker.js` runs
// `compile-worker.cjs`), runs that bundle through V8's code cache (`.cjs.v8cache`).
// Compiling the parsers' 1.8 MB was most of the time a rebuild's thread took to be ready,
// the thread that compiles its edited record: 70 ms, 34 with the cache (measured on the
// 2-core machine of docs/building.md). Node 20 caches no ES module's code (Node 22's
// module.enableCompileCache does), hence CommonJS through node:vm. A thread that finds no
// usable cache writes one, after a first compile (the worker's warmUp), so that the
// functions that compile a record are in it too. A cache V8 rejects (another Node, other
// flags, damage) is only slower: the bundle is compiled from source, and the cache written
// again.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import { threadId } from "node:worker_threads";

const file = fileURLToPath(import.meta.url).replace(/\.js$/, ".cjs");
const cacheFile = `${file}.v8cache`;
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  // No cache yet: this thread writes it.
}
const script = new vm.Script(
  `(function (exports, require, module, __filename, __dirname) {${readFileSync(file, "utf8")}\n})`,
  {
    filename: file,
    cachedData,
  },
);
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(file), module, file, path.dirname(file));

if (cachedData === undefined || script.cachedDataRejected) {
  // Now, not later: a rebuild's thread is stopped as soon as its one record is compiled.
  // After a compile, so that the functions that compile a record are in the cache too.
  module.exports.warmUp?.();
  const staged = `${cacheFile}.${process.pid}-${threadId}.tmp`;
  try {
    writeFileSync(staged, script.createCachedData());
    renameSync(staged, cacheFile);
  } catch {
    // A cache folder that cannot be written: the next thread compiles from source, as this one did.
  }
}
