// `node scripts/launch.mjs build [args]`: runs scripts/build.ts with plain Node, from a
// bundle in the build's cache folder (.cache/build/launch, or BUILD_CACHE_DIR/launch).
// Starting tsx costs a build of a few records most of its time; esbuild bundles the
// script once, and again only when one of its inputs (the project's files it imports,
// the installed libraries, Node) changes. The parsers are a chunk of their own, which a
// build whose records are all cached never loads in its own thread; its worker threads
// run a CommonJS bundle of their own through V8's code cache (scripts/cached-worker.mjs).
// Plain JavaScript: nothing to compile.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { mkdir, readdir, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** What may be launched: each script with the worker modules it starts. */
const SCRIPTS = {
  build: { entry: "scripts/build.ts", workers: { "compile-worker": "src/content/compile-worker.ts" } },
};

const [name, ...args] = process.argv.slice(2);
const script = SCRIPTS[name];
if (!script) {
  console.error(`usage: node scripts/launch.mjs <${Object.keys(SCRIPTS).join("|")}> [arguments]`);
  process.exit(2);
}
const folder = path.join(path.resolve(root, process.env.BUILD_CACHE_DIR ?? ".cache/build"), "launch");
const manifestFile = path.join(folder, `${name}.json`);

/** The installed libraries (npm's record of node_modules, else the lock file) and Node itself. */
function environment() {
  const installed = path.join(root, "node_modules/.package-lock.json");
  const libraries = readFileSync(existsSync(installed) ? installed : path.join(root, "package-lock.json"));
  return createHash("sha256").update(root).update(process.version).update(libraries).digest("hex");
}

/** The hash of the bundle's inputs as they are now, or undefined when one is gone. */
function inputsHash(inputs) {
  const hash = createHash("sha256").update(environment());
  for (const input of inputs) {
    try {
      hash.update(`\0${input}\0`).update(readFileSync(path.join(root, input)));
    } catch {
      return undefined;
    }
  }
  return hash.digest("hex").slice(0, 24);
}

/** The bundle that is current, if any: its manifest names its inputs and their hash. */
function current() {
  try {
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
    const dir = path.join(folder, manifest.dir);
    if (manifest.hash === inputsHash(manifest.inputs) && existsSync(path.join(dir, `${name}.js`))) return dir;
  } catch {
    // No bundle yet, or a manifest that cannot be read: bundle again.
  }
  return undefined;
}

async function bundle() {
  const { build } = await import("esbuild");
  const staging = path.join(folder, `${name}-${process.pid}-${Date.now()}.tmp`);
  const result = await build({
    absWorkingDir: root,
    entryPoints: { [name]: script.entry },
    outdir: staging,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    // esbuild runs its own binary: imported from this checkout's node_modules, wherever the bundle is.
    plugins: [
      {
        name: "esbuild-from-the-checkout",
        setup(build) {
          build.onResolve({ filter: /^esbuild$/ }, () => ({
            path: pathToFileURL(createRequire(path.join(root, "package.json")).resolve("esbuild")).href,
            external: true,
          }));
        },
      },
    ],
    // The CommonJS libraries (sanitize-html) call require() for Node's modules.
    banner: {
      js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);',
    },
    metafile: true,
    logLevel: "error",
    legalComments: "none",
  });
  // Each worker a CommonJS bundle, run by scripts/cached-worker.mjs (copied under the
  // worker's name) through V8's code cache: see that file.
  const workers = await Promise.all(
    Object.entries(script.workers).map(async ([worker, entry]) => {
      const built = await build({
        absWorkingDir: root,
        entryPoints: [entry],
        outfile: path.join(staging, `${worker}.cjs`),
        bundle: true,
        format: "cjs",
        platform: "node",
        target: "node20",
        metafile: true,
        // import.meta is empty in CommonJS: incremental.ts, re-exported by compile.ts, uses it, never in a worker.
        logOverride: { "empty-import-meta": "silent" },
        logLevel: "error",
        legalComments: "none",
      });
      copyFileSync(path.join(root, "scripts/cached-worker.mjs"), path.join(staging, `${worker}.js`));
      return built.metafile.inputs;
    }),
  );
  // The project's own files; libraries are covered by the installed versions.
  const inputs = [
    ...new Set(
      [result.metafile.inputs, ...workers]
        .flatMap((found) => Object.keys(found))
        .concat("scripts/cached-worker.mjs")
        .filter((input) => !input.startsWith("node_modules/") && !input.includes("/node_modules/")),
    ),
  ].sort();
  const hash = inputsHash(inputs);
  const dir = path.join(folder, `${name}-${hash}`);
  if (existsSync(dir)) rmSync(staging, { recursive: true, force: true });
  else renameSync(staging, dir);
  writeFileSync(`${manifestFile}.${process.pid}.tmp`, JSON.stringify({ hash, inputs, dir: path.basename(dir) }));
  renameSync(`${manifestFile}.${process.pid}.tmp`, manifestFile);
  await prune(dir);
  return dir;
}

/** Older bundles go once no build can still be loading one of their chunks (an hour). */
async function prune(keep) {
  const now = Date.now();
  for (const entry of await readdir(folder)) {
    const dir = path.join(folder, entry);
    if (dir === keep || !entry.startsWith(`${name}-`)) continue;
    const stats = await stat(dir).catch(() => undefined);
    if (stats?.isDirectory() && now - stats.mtimeMs > 3600_000) rmSync(dir, { recursive: true, force: true });
  }
}

let dir = current();
if (!dir) {
  await mkdir(folder, { recursive: true });
  try {
    dir = await bundle();
  } catch (error) {
    // Never a reason for a build not to run: tsx runs the script itself, only slower.
    console.error(`note: could not bundle ${script.entry} (${error.message}); running it with tsx`);
    const ran = spawnSync(process.execPath, ["--import", "tsx", path.join(root, script.entry), ...args], {
      stdio: "inherit",
    });
    process.exit(ran.status ?? 1);
  }
}
process.env.FEED_SERVICE_ROOT = root;
process.argv = [process.argv[0], path.join(root, script.entry), ...args];
await import(pathToFileURL(path.join(dir, `${name}.js`)).href);
