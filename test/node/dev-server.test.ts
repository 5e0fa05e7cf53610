// `npm start` with a broken record: wrangler dev answers every request at once with the
// list of problems (a page for browsers, problem+json for the rest), printed once, and
// serves the service again when the record is fixed. Runs the real wrangler dev on a copy
// of the project, so the project's own .generated/ is left alone.
import { type ChildProcess, spawn } from "node:child_process";
import { cp, mkdir, mkdtemp, rename, rm, symlink, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const BROKEN = `---
title: "A record with a dash line"
publishedDateTime: 2024-05-02T09:15:00Z
webUrl: "https://example.com/broken"
---x
published: false
secured: "CANARY-SECURED-dev-server"
---
`;
const FIXED = BROKEN.replace("---x\n", "");

/** A port nobody listens on now (DEV_SERVER_TEST_PORT, and the next one, when given). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

let project: string;
let server: ChildProcess;
let log = "";
let base: string;

async function until<T>(what: string, deadline: number, probe: () => Promise<T | undefined>): Promise<T> {
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} did not happen; wrangler dev said:\n${log}`);
}

const timed = async (url: string, headers: Record<string, string> = {}) => {
  const started = performance.now();
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
  const body = await response.text();
  return { response, body, ms: performance.now() - started };
};

beforeAll(async () => {
  const root = process.cwd();
  project = await mkdtemp(path.join(tmpdir(), "dev-server-"));
  for (const entry of ["src", "scripts", "content", "public", "migrations", "wrangler.toml", "package.json"]) {
    await cp(path.join(root, entry), path.join(project, entry), { recursive: true });
  }
  await mkdir(path.join(project, ".generated"));
  await symlink(path.join(root, "node_modules"), path.join(project, "node_modules"));
  await writeFile(path.join(project, "content/999_broken.md"), BROKEN);
  const port = Number(process.env.DEV_SERVER_TEST_PORT) || (await freePort());
  const inspector = process.env.DEV_SERVER_TEST_PORT ? port + 1 : await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(
    "npx",
    ["wrangler", "dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector)],
    { cwd: project, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } },
  );
  server.stdout?.on("data", (chunk) => (log += chunk));
  server.stderr?.on("data", (chunk) => (log += chunk));
  await until("wrangler dev start", Date.now() + 100_000, async () =>
    (await fetch(`${base}/`, { signal: AbortSignal.timeout(10_000) })).status === 503 ? true : undefined,
  );
}, 120_000);

afterAll(async () => {
  if (server?.pid) process.kill(-server.pid, "SIGTERM");
  await new Promise((resolve) => setTimeout(resolve, 500));
  if (project) await rm(project, { recursive: true, force: true });
});

describe("wrangler dev with a broken record", () => {
  it("answers a browser at once with a page naming the file, line and problem", async () => {
    const { response, body, ms } = await timed(`${base}/feed.xml`, {
      Accept: "text/html,application/xhtml+xml",
      "Sec-Fetch-Dest": "document",
    });
    expect(response.status).toBe(503);
    expect(response.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(body).toContain("<code>content/999_broken.md:5</code>");
    expect(body).toContain("a line starting with `---` inside the front matter (`---x`)");
    expect(body).not.toContain("CANARY");
    expect(ms).toBeLessThan(2_000);
  });

  it("answers a feed reader with a problem document listing every problem", async () => {
    const { response, body, ms } = await timed(`${base}/atom.xml`, { Accept: "application/atom+xml" });
    expect(response.status).toBe(503);
    expect(response.headers.get("Content-Type")).toBe("application/problem+json; charset=utf-8");
    expect(JSON.parse(body)).toMatchObject({
      title: "Content Build Failed",
      status: 503,
      problems: [{ file: "content/999_broken.md", line: 5, message: expect.stringMatching(/^a line starting with/) }],
    });
    expect(ms).toBeLessThan(2_000);
  });

  it("printed the problem list once, without a failed command's dump", () => {
    expect(log.split("content/999_broken.md:5: a line starting with").length - 1).toBe(1);
    expect(log).not.toMatch(/Running custom build `npm run build` failed|\n\s+at /);
  });

  it("serves the feeds again once the record is fixed, after one build", async () => {
    const before = log.split("Running: npm run build").length;
    // One atomic save, as editors do: a plain write can reach the watcher as two changes.
    await writeFile(path.join(project, "fixed.tmp"), FIXED);
    await rename(path.join(project, "fixed.tmp"), path.join(project, "content/999_broken.md"));
    const feed = await until("a served feed", Date.now() + 60_000, async () => {
      const { response, body } = await timed(`${base}/feed.json`);
      return response.status === 200 ? body : undefined;
    });
    expect(JSON.parse(feed).items.length).toBeGreaterThan(0);
    // The fixed record is a draft: neither it nor its secret is served.
    expect(feed).not.toContain("CANARY");
    expect(log.split("Running: npm run build").length - before).toBe(1);
  }, 70_000);
});
