// The deploy guard (scripts/deploy.ts): one message per problem in the production
// environment, the checks run against the real wrangler.toml and small fixtures.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  configProblems,
  deployRecord,
  identityProblems,
  liveIds,
  livePrefix,
  readTarget,
  secretProblems,
} from "../../scripts/deploy/checks.js";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");
const TSX = path.join(ROOT, "node_modules/.bin/tsx");

const VARS = `SITE_TITLE = "T"
SITE_DESCRIPTION = "D"
SITE_LANGUAGE = "en"
TAG_DATE = "2026"`;

function config(siteUrl: string, extra = "") {
  return `name = "feeds"
main = "worker.js"
compatibility_date = "2026-04-20"
[env.production.vars]
SITE_URL = "${siteUrl}"
${VARS}
${extra}`;
}

const GOOD_IDS = `[[env.production.kv_namespaces]]
binding = "WEBSUB_STATE"
id = "5f2c9d0e4b1a43f8a7c6e5d4c3b2a190"
[[env.production.d1_databases]]
binding = "DB"
database_name = "feed-articles"
database_id = "2b7e1516-28ae-4d2a-a6f7-158809cf4f3c"`;

describe("configProblems", () => {
  it("refuses the committed wrangler.toml until the publisher fills it in, one line each", () => {
    const target = readTarget(readFileSync(path.join(ROOT, "wrangler.toml"), "utf8"), "production");
    expect(target.worker).toBe("feed-service-production");
    expect(configProblems(target)).toEqual([
      "[env.production.vars] SITE_URL is https://feeds.example.com, a placeholder: set the public origin of the feeds",
      "[[env.production.kv_namespaces]] WEBSUB_STATE: id is unset (all zeros); `npx wrangler kv namespace create WEBSUB_STATE --env production` prints it",
      "[[env.production.d1_databases]] DB: database_id is unset (all zeros); `npx wrangler d1 create feed-articles` prints it",
    ]);
  });

  it.each([
    ["http://localhost:8787", "a local address"],
    ["http://127.0.0.1:8787", "a local address"],
    ["http://127.1.2.3", "a local address"],
    ["http://[::1]:8787", "a local address"],
    ["http://feeds.localhost", "a local address"],
    ["http://0.0.0.0", "a local address"],
    ["https://example.org", "a placeholder"],
    ["https://news.example.net", "a placeholder"],
    ["https://feeds.test", "a placeholder"],
  ])("refuses SITE_URL %s as %s", (siteUrl, what) => {
    const problems = configProblems(readTarget(config(siteUrl, GOOD_IDS), "production"));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`SITE_URL is ${new URL(siteUrl).origin}, ${what}`);
  });

  it("names the setting src/config.ts rejects, with its own message", () => {
    const problems = configProblems(readTarget(config("feeds.signal-digest.net", GOOD_IDS), "production"));
    expect(problems).toEqual(["[env.production.vars] SITE_URL: must be an absolute http(s) URL"]);
  });

  it("reads an environment without vars as missing settings (wrangler inherits none)", () => {
    const problems = configProblems(readTarget('name = "feeds"\n[env.production]\n', "production"));
    expect(problems).toContain("[env.production.vars] SITE_URL: must be an absolute http(s) URL");
    expect(problems.some((line) => line.startsWith("[env.production.vars] TAG_DATE:"))).toBe(true);
  });

  it("accepts a public origin with real ids", () => {
    expect(configProblems(readTarget(config("https://feeds.signal-digest.net", GOOD_IDS), "production"))).toEqual([]);
  });

  it("refuses an environment that does not exist", () => {
    expect(() => readTarget(config("https://a.b"), "staging")).toThrow("wrangler.toml has no [env.staging] section");
  });
});

describe("secretProblems", () => {
  const target = readTarget(
    config("https://feeds.signal-digest.net", '[env.production.secrets]\nrequired = ["STATS_TOKEN", "HUB_KEY"]'),
    "production",
  );
  it("names each required secret the Worker lacks, with the command that sets it", () => {
    expect(secretProblems(target, ["HUB_KEY", "OTHER"])).toEqual([
      "secret STATS_TOKEN is not set: `npx wrangler secret put STATS_TOKEN --env production`",
    ]);
    expect(secretProblems(target, ["STATS_TOKEN", "HUB_KEY"])).toEqual([]);
  });
});

describe("identityProblems", () => {
  const target = readTarget(config("https://feeds.signal-digest.net", GOOD_IDS), "production");
  it("refuses a TAG_DATE other than the deployed one", () => {
    const [problem, ...rest] = identityProblems(target, [["deployments.json", "tag:feeds.signal-digest.net,2025:"]]);
    expect(rest).toEqual([]);
    expect(problem).toContain('TAG_DATE is "2026", but the deployed feeds use "2025" (deployments.json)');
  });
  it("refuses a new host, which renumbers every item too", () => {
    const [problem] = identityProblems(target, [["the live feed", "tag:old.signal-digest.net,2026:"]]);
    expect(problem).toContain("SITE_URL's host is feeds.signal-digest.net, but the deployed feeds' ids use old");
  });
  it("accepts the ids in use, and a first deploy", () => {
    expect(identityProblems(target, [["deployments.json", "tag:feeds.signal-digest.net,2026:"]])).toEqual([]);
    expect(identityProblems(target, [])).toEqual([]);
  });
  it("records what the next deploy compares with", () => {
    const record = deployRecord({}, target, new Date(Date.UTC(2026, 11, 1)));
    expect(record.production).toEqual({
      worker: "feeds-production",
      siteUrl: "https://feeds.signal-digest.net",
      tagDate: "2026",
      tagPrefix: "tag:feeds.signal-digest.net,2026:",
      deployedAt: "2026-12-01T00:00:00.000Z",
    });
    const prefix = record.production?.tagPrefix as string;
    expect(identityProblems(target, [["deployments.json", prefix]])).toEqual([]);
  });
});

describe("liveIds", () => {
  let server: Server;
  let body = "";
  beforeAll(async () => {
    server = createServer((_req, res) => res.writeHead(200, { "Content-Type": "application/feed+json" }).end(body));
    await new Promise<void>((resolve) => server.listen(8851, "127.0.0.1", resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("reads the prefix of the ids the deployed feed serves", async () => {
    body = JSON.stringify({ version: "https://jsonfeed.org/version/1.1", items: [{ id: "tag:a.example,2024:x-1" }] });
    expect(await liveIds("http://127.0.0.1:8851")).toEqual({ prefix: "tag:a.example,2024:" });
  });
  it("says why it learnt nothing", async () => {
    body = JSON.stringify({ items: [] });
    expect((await liveIds("http://127.0.0.1:8851")).note).toContain("has no item with a tag: id");
    expect((await liveIds("http://127.0.0.1:8852", 2000)).note).toContain("did not answer");
  });
  it("ignores ids that are not tag: URIs", () => {
    expect(livePrefix({ items: [{ id: "https://a.example/1" }] })).toBeUndefined();
    expect(livePrefix(null)).toBeUndefined();
  });
});

describe("npm run deploy", () => {
  let dir: string;
  beforeAll(async () => {
    await mkdir(path.join(ROOT, ".cache"), { recursive: true });
    dir = await mkdtemp(path.join(ROOT, ".cache", "deploy-test-"));
    await writeFile(path.join(dir, "worker.js"), 'export default { fetch: () => new Response("ok") };\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const deploy = (...args: string[]) =>
    run(TSX, ["scripts/deploy.ts", ...args], { cwd: ROOT }).then(
      (ok) => ({ code: 0, ...ok }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

  it("refuses the committed placeholders and deploys nothing", async () => {
    const { code, stderr } = await deploy("--dry-run");
    expect(code).toBe(1);
    expect(stderr).toContain("deploy: [env.production.vars] SITE_URL is https://feeds.example.com, a placeholder");
    expect(stderr).toContain("deploy refused: 3 problem(s) in wrangler.toml; nothing was deployed");
  });

  it("hands a good configuration to wrangler deploy --env production", async () => {
    await writeFile(path.join(dir, "wrangler.toml"), config("https://feeds.signal-digest.net"));
    const { code, stdout } = await deploy("--dry-run", "--config", path.join(dir, "wrangler.toml"));
    expect(code).toBe(0);
    expect(stdout).toContain('env.SITE_URL ("https://feeds.signal-digest.net")');
    expect(stdout).toContain("--dry-run: exiting now.");
  }, 60_000);

  it("refuses a TAG_DATE changed since the recorded deploy", async () => {
    await writeFile(path.join(dir, "wrangler.toml"), config("https://feeds.signal-digest.net"));
    const record = deployRecord(
      {},
      readTarget(config("https://feeds.signal-digest.net").replace('"2026"', '"2024-05"'), "production"),
      new Date(),
    );
    await writeFile(path.join(dir, "deployments.json"), JSON.stringify(record));
    const { code, stderr } = await deploy("--dry-run", "--config", path.join(dir, "wrangler.toml"));
    expect(code).toBe(1);
    expect(stderr).toContain('TAG_DATE is "2026", but the deployed feeds use "2024-05"');
    const accepted = await deploy("--dry-run", "--new-ids", "--config", path.join(dir, "wrangler.toml"));
    expect(accepted.code).toBe(0);
  }, 60_000);
});
