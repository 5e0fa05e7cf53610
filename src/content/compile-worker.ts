// A worker thread of the build (src/content/incremental.ts): compiles the records it is
// sent, a chunk at a time, and answers with what the build and its cache keep of each.
import { parentPort } from "node:worker_threads";
import { compileRecord } from "./compile.js";

parentPort?.on("message", (jobs: { file: string; id: string; bytes: Uint8Array }[]) => {
  parentPort?.postMessage(
    jobs.map(({ file, id, bytes }) => {
      // The article itself stays here: the build needs only its JSON.
      const { article: _, ...record } = compileRecord(file, id, bytes) as ReturnType<typeof compileRecord> & {
        article?: unknown;
      };
      return record;
    }),
  );
});
