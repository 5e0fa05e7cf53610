// wrangler.toml as the scripts read it: the build (which store the Worker reads, and every
// environment's settings checked with the Worker's own schema), the deploy guard and the
// bench (the Worker's [vars] and compatibility settings).
import { readFileSync } from "node:fs";
import { parse } from "smol-toml";

export type WorkerVars = Record<string, string | number | boolean>;

export interface WranglerConfig {
  /** The top level's [vars]: local development. */
  vars: WorkerVars;
  /** Each `[env.NAME]`'s own [vars]; wrangler never inherits vars into an environment. */
  environments: Record<string, WorkerVars>;
  compatibilityDate: string;
  compatibilityFlags: string[];
}

export function readWranglerConfig(file: string): WranglerConfig {
  const toml = parse(readFileSync(file, "utf8"));
  const vars = (toml.vars ?? {}) as WorkerVars;
  const compatibilityDate = toml.compatibility_date;
  if (typeof compatibilityDate !== "string") throw new Error(`${file} has no compatibility_date`);
  const envs = (toml.env ?? {}) as Record<string, { vars?: WorkerVars }>;
  const environments = Object.fromEntries(Object.entries(envs).map(([name, env]) => [name, env.vars ?? {}]));
  return { vars, environments, compatibilityDate, compatibilityFlags: (toml.compatibility_flags ?? []) as string[] };
}

/** The [vars] of one environment (undefined: the top level), as wrangler would hand them to the Worker. */
export function varsOf(config: WranglerConfig, env: string | undefined): WorkerVars {
  if (env === undefined || env === "") return config.vars;
  const vars = config.environments[env];
  if (!vars) throw new Error(`wrangler.toml has no [env.${env}]`);
  return vars;
}

/**
 * Every environment's settings through src/config.ts's schema, one line per problem, e.g.
 * `[env.production.vars] SITE_URL: must be an absolute http(s) URL`. The Worker parses the
 * same schema at run time; checking here turns a misconfiguration into a failed build
 * (and so a failed `wrangler dev` or `wrangler deploy`, dry runs included) instead of a
 * 500 for every request.
 */
export async function settingsProblems(config: WranglerConfig): Promise<string[]> {
  // Loaded here only: a build whose settings are known good never loads zod.
  const { Settings } = await import("../src/config.js");
  const tables: [string, WorkerVars][] = [
    ["[vars]", config.vars],
    ...Object.entries(config.environments).map(([name, vars]): [string, WorkerVars] => [`[env.${name}.vars]`, vars]),
  ];
  return tables.flatMap(([table, vars]) => {
    const result = Settings.safeParse(vars);
    if (result.success) return [];
    return result.error.issues.map((issue) => `${table} ${issue.path.join(".") || "(table)"}: ${issue.message}`);
  });
}
