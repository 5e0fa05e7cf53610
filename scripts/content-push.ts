// `npm run content:push`: validates content/ like the build, then writes what changed since
// the last push into the D1 database (local state by default, `--remote` for the real one).
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { unstable_readConfig } from "wrangler";
import { compileDirectory, formatProblem, type Problem } from "../src/content/compile.js";
import {
  applyMigrations,
  type Executor,
  localExecutor,
  type Migrations,
  pendingMigrations,
  type Target,
  wranglerExecutor,
} from "./push/executors.js";
import { batches, diff, finish, MAX_ROW_BYTES, oversized, start } from "./push/plan.js";

const USAGE = `usage: npx tsx scripts/content-push.ts [options]
  --content DIR      the records (default: content/)
  --config FILE      the wrangler config naming the database (default: wrangler.toml)
  --database NAME    its database_name or binding (default: feed-articles)
  --remote           the real database, through wrangler (needs wrangler login or CLOUDFLARE_API_TOKEN)
  --env NAME         the wrangler environment whose database it is, e.g. production
  --persist-to DIR   local state (default: .wrangler/state next to the config, as wrangler uses)
  --batch N          articles written per atomic batch (default: 500)
  --via-wrangler     local, but each batch through \`wrangler d1 execute --file\`: the --remote path`;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Hashes are read in pages: one answer of `wrangler d1 execute --json` stays small (tests set fewer). */
const READ_PAGE = Number(process.env.PUSH_READ_PAGE ?? 5_000);

/** An upper bound of one batch's SQL: a file wrangler uploads, or one db.batch() through the proxy. */
const MAX_BATCH_BYTES = 8_000_000;

interface Options extends Target {
  content: string;
  batch: number;
  viaWrangler: boolean;
}

function parseFlags(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        content: { type: "string" },
        config: { type: "string" },
        database: { type: "string", default: "feed-articles" },
        remote: { type: "boolean", default: false },
        env: { type: "string" },
        "persist-to": { type: "string" },
        batch: { type: "string", default: "500" },
        "via-wrangler": { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
    }).values;
  } catch (error) {
    return exit(2, `${error instanceof Error ? error.message : error}\n\n${USAGE}`);
  }
}

function parseOptions(argv: string[]): Options {
  const values = parseFlags(argv);
  if (values.help) exit(0, USAGE);
  // wrangler (read here, and run for --remote) takes its environment from CLOUDFLARE_ENV.
  if (values.env) process.env.CLOUDFLARE_ENV = values.env;
  if (values.remote && (values["persist-to"] || values["via-wrangler"])) {
    exit(2, "--persist-to and --via-wrangler are for the local database; drop them with --remote");
  }
  const batch = Number(values.batch);
  if (!Number.isInteger(batch) || batch < 1) exit(2, `--batch must be a positive integer, not ${values.batch}`);
  const configPath = path.resolve(values.config ?? path.join(root, "wrangler.toml"));
  const content = path.resolve(values.content ?? path.join(root, "content"));
  if (!existsSync(content)) exit(2, `no content folder at ${content}`);
  if (!existsSync(configPath)) exit(2, `no wrangler config at ${configPath}`);
  return {
    content,
    configPath,
    database: values.database,
    remote: values.remote,
    persistTo: path.resolve(values["persist-to"] ?? path.join(path.dirname(configPath), ".wrangler/state")),
    batch,
    viaWrangler: values["via-wrangler"],
  };
}

function exit(code: number, message: string): never {
  (code === 0 ? console.log : console.error)(message);
  process.exit(code);
}

interface Database extends Migrations {
  /** getPlatformProxy exposes the database by its binding. */
  binding: string;
}

interface D1Entry {
  binding: string;
  database_name?: string;
  migrations_dir?: string;
  migrations_table?: string;
}

/** The config's entry for the database, by database_name or binding. */
function findDatabase({ configPath, database }: Target): Database {
  const config = unstable_readConfig({ config: configPath }, { hideWarnings: true });
  const entry = (config.d1_databases as D1Entry[]).find(
    (db) => db.database_name === database || db.binding === database,
  );
  if (!entry) {
    exit(
      1,
      `no D1 database "${database}" in ${configPath}: add a [[d1_databases]] entry (binding, database_name, database_id, migrations_dir)`,
    );
  }
  return {
    binding: entry.binding,
    // wrangler's defaults, relative to the config as wrangler reads them.
    dir: path.resolve(path.dirname(configPath), entry.migrations_dir || "migrations"),
    table: entry.migrations_table || "d1_migrations",
  };
}

const open = (options: Options, database: Database) =>
  options.remote || options.viaWrangler ? wranglerExecutor(options) : localExecutor(options, database.binding);

/**
 * The database, migrated. Checking the recorded migrations first spares the seconds a
 * wrangler start costs; when some are pending, wrangler applies them (with the local
 * binding closed: both open the same files).
 */
async function openMigrated(options: Options, database: Database): Promise<Executor> {
  const executor = await open(options, database);
  const pending = await pendingMigrations(executor, database).catch(async (error: unknown) => {
    await executor.close();
    throw error;
  });
  if (pending.length === 0) return executor;
  console.error(`applying ${pending.length} migration(s): ${pending.join(", ")}`);
  await executor.close();
  await applyMigrations(options);
  return open(options, database);
}

/** A path as the user would type it: relative inside the working directory, else absolute. */
function shortPath(full: string): string {
  const relative = path.relative(process.cwd(), full);
  return relative.startsWith("..") ? full : relative || ".";
}

/** Compiles like the build, with its cache; any problem stops the push before anything is written. */
async function compile(content: string) {
  const display = path.relative(process.cwd(), content) || ".";
  const { index, problems } = await compileDirectory(content, display, {
    cache: { folder: path.resolve(root, process.env.BUILD_CACHE_DIR ?? ".cache/build"), root },
    note: (message) => console.error(`note: ${message}`),
  });
  const tooBig: Problem[] = oversized(index.articles).map(({ id, bytes }) => ({
    file: `${display}/${id}.md`,
    field: "",
    message: `compiles to ${bytes} bytes, more than a D1 row holds (${MAX_ROW_BYTES})`,
  }));
  const all = [...problems, ...tooBig];
  if (all.length > 0) {
    for (const problem of all) console.error(formatProblem(problem));
    exit(1, `\npush failed: ${all.length} problem(s) in ${content}; nothing was written`);
  }
  return index;
}

/** What the last push left: each article's content hash, and the version it finished with. */
async function readStored(executor: Executor) {
  const hashes = new Map<string, string>();
  // Keyset pages of the primary key: each read seeks, so a million rows cost no more per page.
  for (let after = ""; ; ) {
    const rows = await executor.all<{ id: string; content_hash: string }>({
      sql: "SELECT id, content_hash FROM articles WHERE id > ? ORDER BY id LIMIT ?",
      params: [after, READ_PAGE],
    });
    for (const row of rows) hashes.set(row.id, row.content_hash);
    if (rows.length < READ_PAGE) break;
    after = (rows.at(-1) as { id: string }).id;
  }
  const [meta] = await executor.all<{ value: string }>({
    sql: "SELECT value FROM meta WHERE key = 'version'",
    params: [],
  });
  return { hashes, version: meta?.value };
}

/** For the tests: throw after this many batches, as a push killed half-way would stop. */
const failAfter = Number(process.env.PUSH_FAIL_AFTER_BATCHES ?? Number.NaN);

async function push(options: Options, executor: Executor, index: Awaited<ReturnType<typeof compile>>) {
  const stored = await readStored(executor);
  const changes = diff(index.articles, stored.hashes);
  const total = changes.writes.length + changes.deletes.length;
  let done = 0;
  let count = 0;
  if (total > 0) await executor.batch(start(Date.now()));
  for (const batch of batches(changes, { rows: options.batch, bytes: MAX_BATCH_BYTES })) {
    await executor.batch(batch.statements);
    done += batch.rows;
    console.error(`pushed ${done}/${total} rows…`);
    if (++count === failAfter) throw new Error(`PUSH_FAIL_AFTER_BATCHES=${failAfter}: stopped on purpose`);
  }
  // Also after an interrupted push whose rows all made it: only the version is missing.
  if (total > 0 || stored.version !== index.version) await executor.batch(finish(index.articles, index.version));
  const added = changes.writes.filter((change) => change.added).length;
  return { ...changes, added, updated: changes.writes.length - added };
}

async function main() {
  const started = performance.now();
  const options = parseOptions(process.argv.slice(2));
  const index = await compile(options.content);
  const database = findDatabase(options);
  const where = options.remote ? "remote" : shortPath(options.persistTo);
  const executor = await openMigrated(options, database);
  try {
    const result = await push(options, executor, index);
    console.log(
      `${result.unchanged} unchanged, ${result.added} added, ${result.updated} updated, ` +
        `${result.deletes.length} deleted, version ${index.version} ` +
        `(${options.database}, ${where}, ${Math.round(performance.now() - started)} ms)`,
    );
  } finally {
    await executor.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  // Every batch is atomic and the diff is recomputed from the database: rerunning finishes.
  exit(1, "\npush failed; the content version changes only when a push finishes. Rerun it: nothing is written twice.");
});
