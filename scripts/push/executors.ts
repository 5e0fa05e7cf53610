// Where a push's statements run: a local D1 binding from getPlatformProxy (fast, in
// process), or `wrangler d1 execute` (the --remote path, one SQL file per batch).
import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { getPlatformProxy } from "wrangler";
import { inline, type Statement, sqlFile } from "./sql.js";

export interface Executor {
  all<T>(statement: Statement): Promise<T[]>;
  /** Runs the statements atomically: all of them or none. */
  batch(statements: Statement[]): Promise<void>;
  close(): Promise<void>;
}

/** Which database: its name in the config, and local state or the real one. */
export interface Target {
  database: string;
  configPath: string;
  remote: boolean;
  /** The local state root (as `--persist-to`); unused with `remote`. */
  persistTo: string;
}

const WRANGLER = createRequire(import.meta.url).resolve("wrangler/bin/wrangler.js");

/** Runs wrangler without a terminal; CI=true makes every prompt take its default (yes). */
export function wrangler(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRANGLER, ...args], {
      env: { ...process.env, CI: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    // Decoded as streams: a character split between two chunks stays whole.
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`wrangler ${args.slice(0, 3).join(" ")} failed (exit ${code}):\n${stdout}${stderr}`));
    });
  });
}

const where = (target: Target) => (target.remote ? ["--remote"] : ["--local", "--persist-to", target.persistTo]);

/** Where the database's migrations are and the table wrangler records them in. */
export interface Migrations {
  dir: string;
  table: string;
}

/** The migration files the database has not recorded: all of them while it has no table. */
export async function pendingMigrations(executor: Executor, { dir, table }: Migrations): Promise<string[]> {
  const files = (await readdir(dir)).filter((name) => name.endsWith(".sql")).sort();
  if (!/^\w+$/.test(table)) return files;
  const applied = await executor
    .all<{ name: string }>({ sql: `SELECT name FROM ${table}`, params: [] })
    .catch(() => [] as { name: string }[]);
  const names = new Set(applied.map((row) => row.name));
  return files.filter((file) => !names.has(file));
}

/** `wrangler d1 migrations apply`, non-interactive: the prompt takes its default, yes. */
export async function applyMigrations(target: Target): Promise<void> {
  await wrangler(["d1", "migrations", "apply", target.database, "--config", target.configPath, ...where(target)]);
}

/** Every statement through `wrangler d1 execute`: reads with --json, each batch as one file. */
export async function wranglerExecutor(target: Target): Promise<Executor> {
  const dir = await mkdtemp(path.join(tmpdir(), "content-push-"));
  const execute = ["d1", "execute", target.database, "--config", target.configPath, ...where(target)];
  let files = 0;
  return {
    async all<T>(statement: Statement) {
      const output = await wrangler([...execute, "--json", "--command", inline(statement)]);
      const [result] = JSON.parse(output) as { results: T[] }[];
      return result?.results ?? [];
    },
    async batch(statements) {
      // A file is one import: D1 applies all of it or, if it fails, none of it.
      const file = path.join(dir, `batch-${++files}.sql`);
      await writeFile(file, sqlFile(statements));
      await wrangler([...execute, "--file", file, "--yes"]);
      await rm(file);
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

/** The binding's local state through Miniflare, as `wrangler dev` and `wrangler d1 --local` see it. */
export async function localExecutor(target: Target, binding: string): Promise<Executor> {
  const proxy = await getPlatformProxy<Record<string, D1Database>>({
    configPath: target.configPath,
    // getPlatformProxy wants the `v3` folder that `--persist-to` adds itself.
    persist: { path: path.join(target.persistTo, "v3") },
    remoteBindings: false,
  });
  const db = proxy.env[binding];
  if (!db) throw new Error(`no D1 binding ${binding} in ${target.configPath}`);
  const prepare = ({ sql, params }: Statement) => db.prepare(sql).bind(...params);
  return {
    async all<T>(statement: Statement) {
      return (await prepare(statement).all<T>()).results;
    },
    async batch(statements) {
      // db.batch() is one transaction: a failing statement rolls back the batch.
      await db.batch(statements.map(prepare));
    },
    close: () => proxy.dispose(),
  };
}
