// What `npm run deploy` refuses, as pure checks over the production environment of
// wrangler.toml and what is known of the deployed Worker. One message per problem.
import { parse } from "smol-toml";
import { Settings } from "../../src/config.js";
import type { WorkerVars } from "../wrangler-config.js";

/** The parts of one wrangler environment a deploy depends on. */
export interface Target {
  env: string;
  worker: string;
  vars: WorkerVars;
  kvNamespaces: { binding: string; id?: string }[];
  d1Databases: { binding: string; database_name?: string; database_id?: string }[];
  /** `[env.NAME.secrets] required`: the declarative list wrangler also checks on deploy. */
  requiredSecrets: string[];
}

/** What the last deploy left in the committed record (see deployRecord). */
export interface Deployed {
  worker: string;
  siteUrl: string;
  tagDate: string;
  tagPrefix: string;
  deployedAt: string;
}

/** deployments.json: the last deploy of each environment. */
export type DeployRecord = Partial<Record<string, Deployed>>;

/** The environment as wrangler would deploy it: vars and bindings are never inherited. */
export function readTarget(tomlText: string, env: string): Target {
  const toml = parse(tomlText) as {
    name?: string;
    env?: Record<string, Record<string, unknown>>;
  };
  const section = toml.env?.[env];
  if (!section) throw new Error(`wrangler.toml has no [env.${env}] section`);
  const secrets = section.secrets as { required?: string[] } | undefined;
  return {
    env,
    worker: typeof section.name === "string" ? section.name : `${toml.name}-${env}`,
    vars: (section.vars ?? {}) as WorkerVars,
    kvNamespaces: (section.kv_namespaces ?? []) as Target["kvNamespaces"],
    d1Databases: (section.d1_databases ?? []) as Target["d1Databases"],
    requiredSecrets: secrets?.required ?? [],
  };
}

/** The `tag:` prefix of every id the configuration mints, as src/config.ts builds it. */
export function tagPrefix(siteUrl: string, tagDate: string): string {
  return `tag:${new URL(siteUrl).hostname},${tagDate}:`;
}

// Hosts that cannot be the public site: loopback, unspecified, and the names RFC 2606 and
// RFC 6761 reserve for examples and tests (the placeholder in wrangler.toml is one).
const LOCAL_HOSTS = [/^localhost$/, /\.localhost$/, /^127(\.\d{1,3}){3}$/, /^\[::1?\]$/, /^0\.0\.0\.0$/];
const EXAMPLE_HOSTS = [/(^|\.)example\.(com|net|org)$/, /\.(example|test|invalid)$/, /^(example|test|invalid)$/];

/** The configuration alone: settings, SITE_URL's host, binding ids. */
export function configProblems(target: Target): string[] {
  const table = `[env.${target.env}.vars]`;
  const result = Settings.safeParse(target.vars);
  if (!result.success) {
    return result.error.issues.map((issue) => `${table} ${issue.path.join(".") || "(table)"}: ${issue.message}`);
  }
  const problems: string[] = [];
  const host = new URL(result.data.SITE_URL).hostname;
  if (LOCAL_HOSTS.some((pattern) => pattern.test(host))) {
    problems.push(`${table} SITE_URL is ${result.data.SITE_URL}, a local address: set the public origin of the feeds`);
  } else if (EXAMPLE_HOSTS.some((pattern) => pattern.test(host))) {
    problems.push(`${table} SITE_URL is ${result.data.SITE_URL}, a placeholder: set the public origin of the feeds`);
  }
  const unset = (id: string | undefined) => !id || /^[0-]+$/.test(id);
  for (const kv of target.kvNamespaces) {
    if (unset(kv.id)) {
      problems.push(
        `[[env.${target.env}.kv_namespaces]] ${kv.binding}: id is unset (all zeros); ` +
          `\`npx wrangler kv namespace create ${kv.binding} --env ${target.env}\` prints it`,
      );
    }
  }
  for (const db of target.d1Databases) {
    if (unset(db.database_id)) {
      problems.push(
        `[[env.${target.env}.d1_databases]] ${db.binding}: database_id is unset (all zeros); ` +
          `\`npx wrangler d1 create ${db.database_name ?? "<name>"}\` prints it`,
      );
    }
  }
  return problems;
}

/** Required secrets the deployed Worker does not have. */
export function secretProblems(target: Target, present: string[]): string[] {
  return target.requiredSecrets
    .filter((name) => !present.includes(name))
    .map((name) => `secret ${name} is not set: \`npx wrangler secret put ${name} --env ${target.env}\``);
}

/** The prefix of the ids in a deployed JSON Feed, if it has an item with a `tag:` id. */
export function livePrefix(feed: unknown): string | undefined {
  const items = (feed as { items?: { id?: unknown }[] } | null)?.items;
  const id = Array.isArray(items) ? items.find((item) => typeof item?.id === "string")?.id : undefined;
  return typeof id === "string" ? /^tag:[^,]+,[^:]+:/.exec(id)?.[0] : undefined;
}

/** The id prefix the public feed uses now, if it answers: the truth a committed file may lag behind. */
export async function liveIds(siteUrl: string, timeoutMs = 10_000): Promise<{ prefix?: string; note?: string }> {
  const url = `${siteUrl.replace(/\/+$/, "")}/feed.json?limit=1`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "follow" });
    if (!response.ok) return { note: `${url} answered ${response.status}` };
    const prefix = livePrefix(await response.json());
    return prefix ? { prefix } : { note: `${url} has no item with a tag: id` };
  } catch (error) {
    return { note: `${url} did not answer (${(error as Error).message})` };
  }
}

/**
 * Every item id is `tag:<SITE_URL's host>,<TAG_DATE>:<record id>`: changing either makes
 * every reader show every article again. `known` holds the prefixes in use, by where they
 * were learnt (the committed record, the live feed).
 */
export function identityProblems(target: Target, known: [source: string, prefix: string][]): string[] {
  const siteUrl = String(target.vars.SITE_URL);
  const tagDate = String(target.vars.TAG_DATE);
  const next = tagPrefix(siteUrl, tagDate);
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const [source, prefix] of known) {
    if (prefix === next || seen.has(prefix)) continue;
    seen.add(prefix);
    const [, host, date] = /^tag:([^,]+),([^:]+):$/.exec(prefix) ?? [];
    const what =
      date !== tagDate
        ? `TAG_DATE is ${JSON.stringify(tagDate)}, but the deployed feeds use ${JSON.stringify(date)}`
        : `SITE_URL's host is ${new URL(siteUrl).hostname}, but the deployed feeds' ids use ${host}`;
    problems.push(
      `[env.${target.env}.vars] ${what} (${source}): every item would get a new id and reappear as unread ` +
        "in every reader; put the old value back, or pass --new-ids if that is really meant",
    );
  }
  return problems;
}

/** The record a successful deploy leaves, to be committed. */
export function deployRecord(previous: DeployRecord, target: Target, now: Date): DeployRecord {
  const siteUrl = String(target.vars.SITE_URL);
  const tagDate = String(target.vars.TAG_DATE);
  const entry: Deployed = {
    worker: target.worker,
    siteUrl,
    tagDate,
    tagPrefix: tagPrefix(siteUrl, tagDate),
    deployedAt: now.toISOString(),
  };
  return { ...previous, [target.env]: entry };
}
