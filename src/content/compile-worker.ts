// A worker thread of the build (src/content/incremental.ts): reads and compiles the record
// files it is sent, a chunk at a time, and answers with what the build and its cache keep
// of each (src/content/wire.ts).
import { parentPort } from "node:worker_threads";
import { compileFile } from "./compile.js";
import type { CompileJob } from "./incremental.js";
import { packChunk } from "./wire.js";

parentPort?.on("message", (jobs: CompileJob[]) => {
  const { chunk, transfer } = packChunk(jobs.map(compileFile));
  parentPort?.postMessage(chunk, transfer);
});
