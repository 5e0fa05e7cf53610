// `npm run build`: compiles content/ into the index the Worker bundles. Any bad record
// stops the build with every problem listed; nothing half-built is written. So does a bad
// setting in any environment of wrangler.toml, checked with the Worker's own schema.
// `npm run check` (`--check`): the same validation, writing nothing.
// With STORE = "d1" (the environment's [vars], or STORE in the process environment) the
// Worker reads articles from D1, so the index it bundles carries none: a corpus past the
// bundle's limits still deploys. `npm run content:push` writes them to D1.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { lstat, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type CompileOptions, compileFolder, type FolderResult, sourceVersion } from "../src/content/incremental.js";
import {
  chunksFolderOf,
  INDEX_HEAD,
  removeChunksBut,
  writeIndexFiles,
  writeModuleFile,
} from "../src/content/index-files.js";
import { formatProblem, type Problem } from "../src/content/problems.js";
import { DamagedCacheError, sourceGraph } from "../src/content/record-cache.js";
import { mark } from "../src/content/timings.js";
import { buildEmbedScript } from "./embed-script.js";
import { readWranglerConfig, settingsProblems, varsOf } from "./wrangler-config.js";

const USAGE = `usage: npm run build [-- --strict] [-- --no-cache]   (scripts/build.ts)
       npm run check [-- --strict]   (scripts/build.ts --check: validate only, write nothing)
Compiles content/ into .generated/content-index.js, after checking every environment's
[vars] in wrangler.toml. wrangler dev and wrangler deploy run it first.
Compiled records are cached in .cache/build (keyed by each file's bytes and by the code
that compiles them; see docs/building.md): --no-cache compiles every record and leaves the
cache alone.
A bad record fails the build; a warning (an unknown field, a folder in content/) does not,
unless --strict is given.
Under wrangler dev (WRANGLER_COMMAND=dev, which wrangler sets for its custom build) a failed
build exits 0, keeps the last good index and writes the problems to
.generated/build-problems.js, which the dev server then answers every request with.
Environment:
  CONTENT_DIR      the records (default: content)
  BUILD_CACHE_DIR  the build's cache folder (default: .cache/build)
  BUILD_WORKERS    worker threads for records not cached (default: one per core)
  INDEX_OUT        the compiled index (default: .generated/content-index.js)
  STORE            bundled | d1, overriding wrangler.toml
  CLOUDFLARE_ENV   the wrangler environment whose STORE applies, e.g. production
  WRANGLER_TOML    the wrangler config to read (default: wrangler.toml)`;

if (process.argv.includes("--help") || process.argv.includes("-h")) {
  console.log(USAGE);
  process.exit(0);
}

/**
 * JSON is a JavaScript expression: the index is an object literal. (Measured by `npm run
 * bench`: V8 compiles it faster than a JSON.parse of one huge string literal.)
 */
const generated = (value: unknown) => `${INDEX_HEAD}export default ${JSON.stringify(value)};\n`;

/** Writes a small module atomically; an unchanged one is not rewritten (no needless re-bundle). */
async function writeModule(file: string, module: string): Promise<void> {
  writeModuleFile(file, Buffer.from(module));
}

/** The checkout: scripts/launch.mjs runs a bundle of this file from the cache folder, and says where. */
const root = process.env.FEED_SERVICE_ROOT ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const contentDir = path.resolve(root, process.env.CONTENT_DIR ?? "content");
const outFile = path.resolve(root, process.env.INDEX_OUT ?? ".generated/content-index.js");
const problemsFile = path.join(path.dirname(outFile), "build-problems.js");
const configName = process.env.WRANGLER_TOML ?? "wrangler.toml";
const strict = process.argv.includes("--strict");
const cacheFolder = process.argv.includes("--no-cache")
  ? undefined
  : path.resolve(root, process.env.BUILD_CACHE_DIR ?? ".cache/build");
/**
 * `wrangler dev` runs this build with WRANGLER_COMMAND=dev (`wrangler deploy` with "deploy").
 * A failed dev build must not leave the dev server hanging on a Worker it cannot bundle,
 * nor print its problems once per wrangler retry: it writes them for the Worker to show.
 */
const dev = process.env.WRANGLER_COMMAND === "dev" && !process.argv.includes("--check");
const wrangler = readWranglerConfig(path.resolve(root, configName));

/** The installed libraries: npm's record of node_modules, else the lock file. */
function libraries(): Buffer {
  const installed = path.join(root, "node_modules/.package-lock.json");
  return readFileSync(existsSync(installed) ? installed : path.join(root, "package-lock.json"));
}

/** The <feed-list> script that /embed.js serves, minified (once per source, with the cache) and versioned. */
const embedScript = () =>
  buildEmbedScript(
    path.join(root, "src/embed/feed-list.js"),
    path.join(root, ".generated/embed-script.js"),
    cacheFolder === undefined
      ? undefined
      : {
          file: path.join(cacheFolder, "embed-script.json"),
          salt: createHash("sha256").update(process.version).update(libraries()).digest("hex"),
        },
  );

/**
 * wrangler dev (4.86) runs the custom build twice at start: once before it bundles, once
 * when its file watcher is ready. The second finds the same inputs and does nothing, so a
 * start builds once and prints its problems once. Only in dev: a deploy always builds.
 */
const stampFile = path.join(path.dirname(outFile), "build-inputs.txt");
const inputs = dev ? await devInputs() : undefined;
// Any other build may write other outputs (another CONTENT_DIR, STORE): the next dev start builds.
if (!dev && !process.argv.includes("--check")) await rm(stampFile, { force: true });
if (inputs?.unchanged) {
  console.log("inputs unchanged since the build that just ran: nothing to do");
  process.exit(0);
}
await checkSettings();
const store = storeSetting();

/** A fingerprint of everything the build reads (names, sizes, times), kept beside its output. */
async function devInputs(): Promise<{ unchanged: boolean; record: () => Promise<void> }> {
  const hash = createHash("sha256").update(
    JSON.stringify([
      process.argv.slice(2),
      contentDir,
      outFile,
      process.env.STORE,
      process.env.CLOUDFLARE_ENV,
      configName,
    ]),
  );
  for (const dir of [contentDir, path.join(root, "src"), path.join(root, "scripts")]) {
    const names = (await readdir(dir, { recursive: true }).catch(() => [])).sort();
    for (const name of names) {
      const stats = await lstat(path.join(dir, name)).catch(() => undefined);
      hash.update(`${dir}/${name} ${stats?.size} ${stats?.mtimeMs}\n`);
    }
  }
  const config = await lstat(path.resolve(root, configName)).catch(() => undefined);
  const stamp = hash.update(`${config?.size} ${config?.mtimeMs}`).digest("hex");
  const outputs = await Promise.all(
    [outFile, problemsFile].map((file) =>
      lstat(file).then(
        () => true,
        () => false,
      ),
    ),
  );
  const previous = await readFile(stampFile, "utf8").catch(() => "");
  return {
    unchanged: previous === stamp && outputs.every(Boolean),
    record: () => writeFile(stampFile, stamp),
  };
}

/** Stops the build: in dev, as a page the Worker serves; anywhere else, with exit code 1. */
async function fail(problems: readonly Problem[], summary: string): Promise<never> {
  for (const problem of problems) console.error(formatProblem(problem));
  if (!dev) {
    console.error(`\nbuild failed: ${summary}; nothing was written`);
    process.exit(1);
  }
  await writeModule(problemsFile, generated(problems.map(({ severity: _, ...problem }) => problem)));
  // The Worker must still bundle: the last good index stays; with none yet, an empty one.
  const previous = await readFile(outFile, "utf8").catch(() => undefined);
  if (previous === undefined) await writeModule(outFile, generated({ version: "build-failed", articles: [] }));
  await embedScript();
  await inputs?.record();
  console.error(`\nbuild failed: ${summary}; wrangler dev answers every request with this list until it is fixed`);
  process.exit(0);
}

/**
 * Settings found good are remembered in the cache folder, by the bytes of the config and of
 * the schema's modules (src/config.ts and what it imports) and the installed libraries: a
 * rebuild does not load zod to check them again. Problems are never remembered.
 */
function settingsStamp(): string | undefined {
  if (cacheFolder === undefined) return undefined;
  const hash = createHash("sha256")
    .update(process.version)
    .update(readFileSync(path.resolve(root, configName)));
  for (const [file, source] of sourceGraph(root, ["src/config.ts"])) hash.update(`\0${file}\0${source}`);
  hash.update(libraries());
  return path.join(cacheFolder, `settings-${hash.digest("hex").slice(0, 24)}.ok`);
}

async function checkSettings(): Promise<void> {
  const stamp = settingsStamp();
  if (stamp && existsSync(stamp)) return;
  const problems = await settingsProblems(wrangler);
  if (problems.length === 0) {
    if (stamp) {
      await mkdir(path.dirname(stamp), { recursive: true });
      await writeFile(stamp, "");
    }
    return;
  }
  const summary = `${problems.length} invalid setting(s) in ${configName}`;
  if (dev)
    await fail(
      problems.map((message) => ({ file: configName, field: "", message })),
      summary,
    );
  for (const problem of problems) console.error(`${configName} ${problem}`);
  console.error(`\nbuild failed: ${summary}; nothing was written`);
  process.exit(1);
}

/**
 * Where the Worker reads articles: STORE from the process environment, else the [vars] of
 * the environment wrangler deploys (CLOUDFLARE_ENV, which `npm run deploy` sets; wrangler
 * does not tell a custom build its `--env`), else the top level's.
 */
function storeSetting(): "bundled" | "d1" {
  const value = process.env.STORE ?? varsOf(wrangler, process.env.CLOUDFLARE_ENV).STORE ?? "bundled";
  if (value === "bundled" || value === "d1") return value;
  console.error(`build failed: STORE must be "bundled" or "d1", not ${JSON.stringify(value)}`);
  process.exit(1);
}

const started = performance.now();
mark("settings checked");
const shownDir = path.relative(root, contentDir) || ".";
const compileOptions: CompileOptions = {
  cache: cacheFolder === undefined ? undefined : { folder: cacheFolder, root },
  workers: process.env.BUILD_WORKERS === undefined ? undefined : Number(process.env.BUILD_WORKERS),
  note: (message) => console.warn(`note: ${message}`),
};
// Records never throw (each failure is a problem); a folder that cannot be listed is one too.
const compile = () =>
  compileFolder(contentDir, shownDir, compileOptions).catch((error: NodeJS.ErrnoException) =>
    fail(
      [{ file: shownDir, field: "", message: `the content folder cannot be read (${error.code ?? error.message})` }],
      "no content folder",
    ),
  );
const compiled = await compile();
const { articles, problems, warnings, drafts } = compiled;

// Warnings do not stop the build; they print once, grouped under their file.
let warnedFile = "";
for (const warning of warnings) {
  if (warning.file !== warnedFile) console.warn(`warning: ${warning.file}`);
  warnedFile = warning.file;
  const { line, field, message } = warning;
  console.warn(`  ${line === undefined ? "" : `line ${line}: `}${field ? `${field}: ` : ""}${message}`);
}

if (problems.length > 0) await fail(problems, `${problems.length} problem(s) in ${contentDir}`);
if (strict && warnings.length > 0) {
  console.error(`\nbuild failed (--strict): ${warnings.length} warning(s) in ${contentDir}; nothing was written`);
  process.exit(1);
}

if (process.argv.includes("--check")) {
  console.log(`checked ${articles.length + drafts} records in ${contentDir}: no problems`);
  process.exit(0);
}

// The version keys the edge cache, so it covers the code that renders as well as the
// content: a deploy that changes either never serves bytes rendered before it. With D1,
// the content's part comes from the database, and this one is the code's alone.
const versionOf = (result: FolderResult) =>
  sourceVersion(store === "d1" ? "d1" : result.version, path.join(root, "src"));
let version = versionOf(compiled);
if (store === "d1") {
  await writeModule(outFile, generated({ version, articles: [], store: "d1" }));
  removeChunksBut(chunksFolderOf(outFile), new Set());
} else {
  // The keyword index rides along, so that the Worker neither tokenises at start nor scans per query.
  const write = (result: FolderResult) =>
    writeIndexFiles(outFile, { version: versionOf(result), articles: result.articles, postings: result.postings });
  try {
    write(compiled);
  } catch (error) {
    // A cached article's bytes found damaged as its chunk was written: the cache is gone, compile again.
    if (!(error instanceof DamagedCacheError)) throw error;
    console.warn(`note: ${error.message}; every record is compiled again`);
    const again = await compile();
    if (again.problems.length > 0) await fail(again.problems, `${again.problems.length} problem(s) in ${contentDir}`);
    write(again);
    version = versionOf(again);
  }
}
mark("index written");
const embedVersion = await embedScript();
// Last, so that the dev server shows the service again only once everything is written.
await writeModule(problemsFile, generated([]));
await inputs?.record();
mark("done");

const scheduled = articles.filter((article) => article.publishedMs > Date.now()).length;
const counts = `${articles.length} articles (${scheduled} scheduled, ${drafts} drafts left out)`;
const fromCache =
  cacheFolder === undefined ? "" : `, ${compiled.cached} of ${compiled.cached + compiled.compiled} records cached`;
const took = `in ${Math.round(performance.now() - started)} ms${fromCache}`;
console.log(
  store === "d1"
    ? `checked ${counts}; STORE = "d1": the bundle carries none (npm run content:push writes them to D1), ${took}`
    : `built ${counts}, version ${version}, embed.js ${embedVersion}, ${took}`,
);
