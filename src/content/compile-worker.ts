// A worker thread of the build (src/content/incremental.ts): reads and compiles the record
// files it is sent, a chunk at a time, and answers with what the build and its cache keep
// of each (src/content/wire.ts).
import { parentPort } from "node:worker_threads";
import { compileFile, compileRecord } from "./compile.js";
import type { CompileJob } from "./incremental.js";
import { packChunk } from "./wire.js";

/**
 * A record like the pipeline's, compiled once while the thread waits for its first chunk:
 * the parsers set themselves up on first use (the first record took 11 ms, the fourth
 * under 1), and a one-edit rebuild's one record should not pay for it. Its result is
 * dropped; the compiler keeps nothing from one record to the next.
 */
const WARM_UP = `---
category: news
title: "A record to warm the parsers"
excerpt: "Compiled once, and thrown away."
publishedDateTime: 2021-03-12T18:33:00Z
webUrl: "https://example.com/articles/warm-up"
type: article
provider:
  name: Example
  domain: example.com
topics:
  - Warm Up
images:
  - url: "https://example.com/image.png"
    width: 685
    height: 260
---
A paragraph with *emphasis*, [a link](https://example.com/) and <b>some HTML</b>.

- a list
`;

parentPort?.on("message", (jobs: CompileJob[]) => {
  const { chunk, transfer } = packChunk(jobs.map(compileFile));
  parentPort?.postMessage(chunk, transfer);
});

/** Compiles WARM_UP (scripts/cached-worker.mjs calls it too, before it writes V8's code cache). */
export const warmUp = () => {
  compileRecord("warm-up.md", "warm-up", Buffer.from(WARM_UP));
};

setImmediate(warmUp);
