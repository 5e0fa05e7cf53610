// Whether subscriber counting is on, and with which secrets: parsed once per `env` with zod.
// Without STATS_TOKEN nothing is counted and /stats answers 404.
import { z } from "zod";

const Secrets = z.object({
  /** The publisher's bearer token for /stats (a Wrangler secret; `.dev.vars` locally). */
  STATS_TOKEN: z.string().min(16, "must be at least 16 characters (e.g. `openssl rand -hex 32`)").optional(),
  /** Keys the client fingerprints; defaults to STATS_TOKEN. Changing it recounts this week's readers. */
  STATS_KEY: z.string().min(16, "must be at least 16 characters").optional(),
});

export type StatsSettings =
  | { state: "off" }
  | { state: "misconfigured"; problem: string }
  | { state: "on"; token: string; secret: string; db: D1Database };

const parsed = new WeakMap<object, StatsSettings>();

function parse(env: Partial<Env> & Record<string, unknown>): StatsSettings {
  if (env.STATS_TOKEN === undefined || env.STATS_TOKEN === "") return { state: "off" };
  const result = Secrets.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    return { state: "misconfigured", problem: `subscriber stats are off: ${problems}` };
  }
  if (!env.DB) return { state: "misconfigured", problem: "subscriber stats are off: they need the D1 binding DB" };
  const token = result.data.STATS_TOKEN as string;
  return { state: "on", token, secret: result.data.STATS_KEY ?? token, db: env.DB };
}

export function statsSettings(env: object): StatsSettings {
  let settings = parsed.get(env);
  if (!settings) {
    settings = parse(env as Partial<Env> & Record<string, unknown>);
    // The operator's mistake, said once per environment rather than on every request.
    if (settings.state === "misconfigured") console.error(settings.problem);
    parsed.set(env, settings);
  }
  return settings;
}
