// `npm run deploy`: refuses a production configuration that would publish broken or
// renumbered feeds, one message per problem, then runs `wrangler deploy --env production`.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { parseArgs, stripVTControlCharacters } from "node:util";
import {
  configProblems,
  type DeployRecord,
  deployRecord,
  identityProblems,
  liveIds,
  readTarget,
  secretProblems,
  type Target,
} from "./deploy/checks.js";

const USAGE = `usage: npm run deploy [-- options]    (tsx scripts/deploy.ts)
Checks the production environment of wrangler.toml, then runs
\`wrangler deploy --env production\` (which builds first). It refuses, one line per problem:
  a setting src/config.ts rejects, a SITE_URL on localhost/127.0.0.1 or an example domain,
  an all-zero KV namespace or D1 database id, a required secret ([env.production.secrets])
  the deployed Worker lacks, and a TAG_DATE or SITE_URL host that differs from the one the
  feeds already use (from deployments.json, which each deploy rewrites: commit it, and from
  the live feed at SITE_URL when it answers).
Options:
  --env NAME      the wrangler environment (default: production)
  --config FILE   the wrangler config (default: wrangler.toml)
  --dry-run       only the checks that need no account, then \`wrangler deploy --dry-run\`
  --new-ids       deploy even though every item id changes (a new site, on purpose)
  --help          this text`;

const WRANGLER = createRequire(import.meta.url).resolve("wrangler/bin/wrangler.js");

function exit(code: number, message: string): never {
  (code === 0 ? console.log : console.error)(message);
  process.exit(code);
}

function options() {
  try {
    const { values } = parseArgs({
      options: {
        env: { type: "string", default: "production" },
        config: { type: "string", default: "wrangler.toml" },
        "dry-run": { type: "boolean", default: false },
        "new-ids": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
    if (values.help) exit(0, USAGE);
    return { ...values, config: path.resolve(values.config) };
  } catch (error) {
    return exit(2, `deploy: ${(error as Error).message}\n\n${USAGE}`);
  }
}

/** wrangler with our environment, its output captured (`inherit`: shown as it runs). */
function wrangler(args: string[], env: string, stdio: "pipe" | "inherit") {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [WRANGLER, ...args], {
      stdio: ["inherit", stdio, stdio],
      // The build reads CLOUDFLARE_ENV for this environment's STORE: wrangler does not pass --env on.
      env: { ...process.env, CLOUDFLARE_ENV: env, WRANGLER_SEND_METRICS: "false" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr?.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** wrangler's error line, without its colours and marker, else its first line. */
function firstLine(text: string): string {
  const lines = stripVTControlCharacters(text)
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  const error = lines.find((line) => line.includes("[ERROR]"));
  return (error ?? lines[0] ?? "no output").replace(/^✘ \[ERROR\] /, "").split(". ")[0] as string;
}

/** The names of the deployed Worker's secrets, or the problem that kept us from knowing. */
async function deployedSecrets(target: Target, config: string): Promise<string[] | string> {
  const ran = await wrangler(
    ["secret", "list", "--env", target.env, "--config", config, "--format", "json"],
    target.env,
    "pipe",
  );
  if (ran.code !== 0) {
    return `cannot check the required secrets of ${target.worker} (${firstLine(ran.stderr + ran.stdout)}); log in with \`npx wrangler login\` or set CLOUDFLARE_API_TOKEN`;
  }
  try {
    return (JSON.parse(ran.stdout) as { name: string }[]).map((secret) => secret.name);
  } catch {
    return `cannot read \`wrangler secret list\`'s answer: ${ran.stdout.slice(0, 200)}`;
  }
}

/** The id prefixes the feeds already use, by where they were learnt. */
async function knownIds(target: Target, last: DeployRecord[string], remote: boolean) {
  const known: [string, string][] = last ? [[`deployments.json, ${last.deployedAt}`, last.tagPrefix]] : [];
  if (remote) {
    const live = await liveIds(String(target.vars.SITE_URL));
    if (live.prefix) known.push([`the live feed at ${target.vars.SITE_URL}`, live.prefix]);
    else console.log(`deploy: ${live.note}; ids are compared with deployments.json only`);
  }
  if (known.length === 0) console.log("deploy: no earlier deploy is recorded: a first deploy, ids are not compared");
  return known;
}

async function main(): Promise<number> {
  const opts = options();
  if (!existsSync(opts.config)) exit(2, `deploy: no wrangler config at ${opts.config}`);
  const target = readTarget(readFileSync(opts.config, "utf8"), opts.env);
  const recordFile = path.join(path.dirname(opts.config), "deployments.json");
  const record: DeployRecord = existsSync(recordFile) ? JSON.parse(readFileSync(recordFile, "utf8")) : {};
  const remote = !opts["dry-run"];
  if (!remote) console.log("deploy: dry run: the deployed Worker's secrets and live feed are not checked");

  const problems = configProblems(target);
  // The ids are only comparable once the settings that make them are valid.
  if (problems.length === 0 && !opts["new-ids"]) {
    problems.push(...identityProblems(target, await knownIds(target, record[opts.env], remote)));
  }
  if (remote && target.requiredSecrets.length > 0) {
    const present = await deployedSecrets(target, opts.config);
    problems.push(...(typeof present === "string" ? [present] : secretProblems(target, present)));
  }

  if (problems.length > 0) {
    for (const problem of problems) console.error(`deploy: ${problem}`);
    console.error(
      `\ndeploy refused: ${problems.length} problem(s) in ${path.relative(process.cwd(), opts.config)}; nothing was deployed`,
    );
    return 1;
  }

  const args = ["deploy", "--env", opts.env, "--config", opts.config];
  if (opts["dry-run"])
    args.push("--dry-run", "--outdir", path.join(path.dirname(opts.config), ".cache", "deploy-dry-run"));
  const ran = await wrangler(args, opts.env, "inherit");
  if (ran.code !== 0) return ran.code ?? 1;
  if (!opts["dry-run"]) {
    writeFileSync(recordFile, `${JSON.stringify(deployRecord(record, target, new Date()), null, 2)}\n`);
    console.log("deploy: done; commit deployments.json, so the next deploy knows which ids the feeds use");
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => exit(1, `deploy: ${error instanceof Error ? error.message : String(error)}`),
);
