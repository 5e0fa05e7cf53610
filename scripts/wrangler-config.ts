// wrangler.toml as the scripts read it: the build (which store the Worker reads) and the
// bench (the Worker's [vars] and compatibility settings). Top-level settings only: a
// script cannot know which `--env` a later wrangler command will be given.
import { readFileSync } from "node:fs";
import { parse } from "smol-toml";

export type WorkerVars = Record<string, string | number | boolean>;

export interface WranglerConfig {
  vars: WorkerVars;
  compatibilityDate: string;
  compatibilityFlags: string[];
}

export function readWranglerConfig(file: string): WranglerConfig {
  const toml = parse(readFileSync(file, "utf8"));
  const vars = (toml.vars ?? {}) as WorkerVars;
  const compatibilityDate = toml.compatibility_date;
  if (typeof compatibilityDate !== "string") throw new Error(`${file} has no compatibility_date`);
  return { vars, compatibilityDate, compatibilityFlags: (toml.compatibility_flags ?? []) as string[] };
}
