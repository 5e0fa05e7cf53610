// docs/performance.md is written by the benches, never by hand: each bench owns one section
// between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` and replaces it with the tables of
// the run that just ended, stamped with the date, the machine and its load during the run.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ROOT } from "./runtime.js";

export const PERFORMANCE_DOC = path.join(ROOT, "docs", "performance.md");

/** How often the 1-minute load average is sampled while a bench runs. */
const SAMPLE_MS = 5_000;

/**
 * The 1-minute load average over a run: the machine is shared, so a figure is only
 * readable next to how busy the machine was while it was taken.
 */
export class LoadSampler {
  private readonly samples: number[] = [];
  private readonly timer: NodeJS.Timeout;
  readonly started = new Date();

  constructor() {
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
    this.timer.unref();
  }

  private sample() {
    this.samples.push(os.loadavg()[0] ?? 0);
  }

  /** `start 1.2, max 5.3, end 4.1`, sampling once more now. */
  summary(): string {
    this.sample();
    const fmt = (value: number) => value.toFixed(1);
    const [first = 0] = this.samples;
    const last = this.samples.at(-1) ?? 0;
    return `start ${fmt(first)}, max ${fmt(Math.max(...this.samples))}, end ${fmt(last)}`;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** One line naming when and where the figures were taken. */
export function machineLine(load: LoadSampler): string {
  const cpu = os.cpus()[0]?.model.trim() ?? "unknown CPU";
  const minutes = ((Date.now() - load.started.getTime()) / 60_000).toFixed(1);
  return [
    `Run ${load.started.toISOString().replace(/\.\d+Z$/, "Z")} (${minutes} min)`,
    `\`nproc\` ${os.availableParallelism()}, ${cpu}`,
    `Node ${process.version}`,
    `load average (1 min) ${load.summary()}`,
  ].join(" · ");
}

/** A Markdown table; the first column left-aligned, the others right-aligned. */
export function markdownTable(header: string[], rows: string[][]): string {
  const escaped = (cell: string) => cell.replaceAll("|", "\\|");
  const line = (cells: string[]) => `| ${cells.map(escaped).join(" | ")} |`;
  const rule = `| ${header.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

const START = (name: string) => `<!-- bench:${name} -->`;
const END = (name: string) => `<!-- /bench:${name} -->`;

/** `text` with the section `name` replaced by `body`, or appended when it has none yet. */
export function replaceSection(text: string, name: string, body: string): string {
  const block = `${START(name)}\n${body.trim()}\n${END(name)}`;
  const from = text.indexOf(START(name));
  const to = text.indexOf(END(name));
  if (from === -1 || to < from) return `${text.trimEnd()}\n\n${block}\n`;
  return `${text.slice(0, from)}${block}${text.slice(to + END(name).length)}`;
}

/** Rewrites one bench's section of docs/performance.md, or of `doc` (BENCH_DOC=0: leave the file alone). */
export async function writeSection(name: string, body: string, doc = PERFORMANCE_DOC): Promise<void> {
  if (process.env.BENCH_DOC === "0") return;
  const text = existsSync(doc) ? await readFile(doc, "utf8") : "# Performance\n";
  await writeFile(doc, replaceSection(text, name, body));
  // Laid out as the linter wants Markdown (aligned tables), so a run leaves `npm run lint` green.
  execFileSync("npx", ["biome", "format", "--write", doc], { cwd: ROOT, stdio: "ignore" });
  console.error(`[bench] wrote the ${name} section of ${path.relative(ROOT, doc)}`);
}
