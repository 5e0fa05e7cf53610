// Every script answers --help with its usage and exits 0 without doing any work: no
// build, no corpus, no server, nothing written.
import { execFile } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");

/** Where a script that did run would write: every file's size and modification time. */
const OUTPUTS = [".generated", "bench-results", ".cache/bench", ".wrangler/state"];

function snapshot(): Map<string, string> {
  const seen = new Map<string, string>();
  const walk = (dir: string) => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return; // absent: nothing written there yet
    }
    for (const name of entries) {
      const full = path.join(dir, name);
      const stat = statSync(full, { throwIfNoEntry: false });
      if (!stat) continue;
      seen.set(full, `${stat.size}@${stat.mtimeMs}`);
      if (stat.isDirectory()) walk(full);
    }
  };
  for (const dir of OUTPUTS) walk(path.join(ROOT, dir));
  return seen;
}

const COMMANDS: [string, string[]][] = [
  ["build", ["npm", "run", "-s", "build", "--", "--help"]],
  ["check", ["npm", "run", "-s", "check", "--", "--help"]],
  ["bench", ["npm", "run", "-s", "bench", "--", "--help"]],
  ["bench:e2e", ["npm", "run", "-s", "bench:e2e", "--", "--help"]],
  ["bench:stats", ["npm", "run", "-s", "bench:stats", "--", "--help"]],
  ["corpus", ["npm", "run", "-s", "corpus", "--", "--help"]],
  ["load", ["npm", "run", "-s", "load", "--", "--help"]],
  ["content:push", ["npm", "run", "-s", "content:push", "--", "--help"]],
  ["deploy", ["npm", "run", "-s", "deploy", "--", "--help"]],
  ["check-feeds.sh", ["bash", "scripts/check-feeds.sh", "--help"]],
  ["check-d1.sh", ["bash", "scripts/check-d1.sh", "--help"]],
];

describe("--help", () => {
  it.each(COMMANDS)(
    "%s prints its usage, exits 0 and writes nothing",
    async (_name, [command, ...args]) => {
      const before = snapshot();
      const started = performance.now();
      const { stdout } = await run(command as string, args, { cwd: ROOT });
      expect(stdout).toMatch(/^usage: /);
      expect(performance.now() - started).toBeLessThan(20_000);
      expect(snapshot()).toEqual(before);
    },
    30_000,
  );
});
