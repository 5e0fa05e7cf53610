// The build's cache of compiled records (src/content/record-cache.ts): whatever it holds,
// a build gives what a build without it gives; an edited, renamed or deleted record, a
// changed compiler and a damaged cache file are each noticed, never trusted.
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, truncate, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type CompileOptions, withCompiledFolder } from "../../src/content/incremental.js";
import { readIndexFiles } from "../../src/content/index-files.js";
import { formatProblem } from "../../src/content/problems.js";
import { compilerFingerprint, RecordCache } from "../../src/content/record-cache.js";

const run = promisify(execFile);
const ROOT = process.cwd();

const record = (title: string, extra = "", body = "") =>
  `---\ntitle: ${JSON.stringify(title)}\npublishedDateTime: 2024-05-0${(title.length % 9) + 1}T09:15:00Z\nwebUrl: "https://example.com/${encodeURIComponent(title)}"\n${extra}---\n${body}`;

/** Records of every kind: articles with a body, warnings, a draft, one that fails. */
const RECORDS: Record<string, string> = {
  "a-plain.md": record("A plain record", "topics:\n  - Climate Change\n"),
  "b-body.md": record("With a body", "", "Some *Markdown* with [a link](https://example.com/x).\n\n- one\n- two\n"),
  "c-warning.md": record("An unknown field", "tittle: typo\nprovider:\n  domain: example.org\n"),
  "d-draft.md": record("A draft", "published: false\n"),
  "e-fails.md": "---\ntitle: no date\n---\n",
  "f-excerpt.md": record("Derived excerpt", "", `${"A sentence of the body. ".repeat(30)}\n`),
};

let dir: string;
let content: string;
let cacheFolder: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "build-cache-"));
  content = path.join(dir, "content");
  cacheFolder = path.join(dir, "cache");
  await mkdir(content);
  for (const [name, source] of Object.entries(RECORDS)) await writeFile(path.join(content, name), source);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** What a build makes of the folder, comparable as plain values. */
async function compiled(options: CompileOptions = {}) {
  const notes: string[] = [];
  const opts = { ...options, note: (note: string) => notes.push(note) };
  return withCompiledFolder(content, "content", opts, (result) => ({
    counts: { cached: result.cached, compiled: result.compiled },
    notes,
    output: {
      articles: result.articles.map(({ id, file, publishedMs, json: read }) => ({
        id,
        file,
        publishedMs,
        json: ((json) => (typeof json === "string" ? json : Buffer.from(json).toString("utf8")))(read()),
      })),
      postings: Buffer.concat(result.postings.json()).toString("utf8"),
      version: result.version,
      problems: result.problems.map(formatProblem),
      warnings: result.warnings.map(formatProblem),
      drafts: result.drafts,
    },
  }));
}

const cached = (root = ROOT) => compiled({ cache: { folder: cacheFolder, root } });
const uncached = async () => (await compiled()).output;

describe("the record cache", () => {
  it("gives what a build without it gives, cold and warm, warnings and problems included", async () => {
    const reference = await uncached();
    expect(reference.problems).toEqual(["content/e-fails.md:2: publishedDateTime: is required"]);
    expect(reference.warnings).toContain(
      "content/c-warning.md:5: tittle: unknown field (ignored); did you mean `title`?",
    );
    const cold = await cached();
    expect(cold.counts).toEqual({ cached: 0, compiled: 6 });
    expect(cold.output).toEqual(reference);
    const warm = await cached();
    expect(warm.counts).toEqual({ cached: 6, compiled: 0 });
    expect(warm.output).toEqual(reference);
    expect(warm.notes).toEqual([]);
  });

  it("compiles an edited record again, and only that one", async () => {
    await cached();
    await writeFile(path.join(content, "b-body.md"), record("With a body", "", "Edited *body*.\n"));
    const edited = await cached();
    expect(edited.counts).toEqual({ cached: 5, compiled: 1 });
    expect(edited.output).toEqual(await uncached());
    expect(edited.output.articles.find((a) => a.id === "b-body")?.json).toContain("<p>Edited <em>body</em>.</p>");
  });

  it("does not trust a file's stamp when its status changed, even with its size and times put back", async () => {
    await cached();
    // Past the racy window: the next build trusts the stamps of unchanged files.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    await writeFile(path.join(content, "a-plain.md"), RECORDS["a-plain.md"] as string);
    await cached();
    const file = path.join(content, "a-plain.md");
    const before = await stat(file);
    await writeFile(file, (RECORDS["a-plain.md"] as string).replace("A plain record", "A plain RECORD"));
    await utimes(file, before.atime, before.mtime);
    expect((await stat(file)).size).toBe(before.size);
    const changed = await cached();
    expect(changed.counts).toEqual({ cached: 5, compiled: 1 });
    expect(changed.output.articles.find((a) => a.id === "a-plain")?.json).toContain('"title":"A plain RECORD"');
    expect(changed.output).toEqual(await uncached());
  });

  it("compiles a renamed record under its new id, and forgets the old one", async () => {
    await cached();
    await rename(path.join(content, "a-plain.md"), path.join(content, "z-renamed.md"));
    const renamed = await cached();
    expect(renamed.counts).toEqual({ cached: 5, compiled: 1 });
    expect(renamed.output).toEqual(await uncached());
    expect(renamed.output.articles.map((a) => a.id)).toContain("z-renamed");
    expect(renamed.output.articles.map((a) => a.id)).not.toContain("a-plain");
  });

  it("drops a deleted record, from the build and from the cache", async () => {
    await cached();
    await rm(path.join(content, "b-body.md"));
    const deleted = await cached();
    expect(deleted.counts).toEqual({ cached: 5, compiled: 0 });
    expect(deleted.output).toEqual(await uncached());
    // Its entry went with it: written back, it is compiled again.
    await writeFile(path.join(content, "b-body.md"), RECORDS["b-body.md"] as string);
    expect((await cached()).counts).toEqual({ cached: 5, compiled: 1 });
  });

  it("appends what a rebuild compiled, and rewrites the file whole once half of it is dead", async () => {
    await cached();
    const file = RecordCache.fileFor(cacheFolder, content);
    const first = await readFile(file);
    await writeFile(path.join(content, "b-body.md"), record("With a body", "", "Edited once.\n"));
    expect((await cached()).counts).toEqual({ cached: 5, compiled: 1 });
    const appended = await readFile(file);
    // The file as it was, then one segment: one record's entry, not every record's.
    expect(appended.subarray(0, first.length).equals(first)).toBe(true);
    expect(appended.length - first.length).toBeLessThan(first.length / 2);
    // Dead entries pile up with each edit, until the file is written again with the live ones.
    let sizes = [appended.length];
    for (let edit = 0; edit < 80; edit++) {
      await writeFile(path.join(content, "b-body.md"), record("With a body", "", `Edit ${edit}.\n`));
      expect((await cached()).counts).toEqual({ cached: 5, compiled: 1 });
      sizes = [...sizes, (await stat(file)).size];
    }
    expect(sizes.some((size, i) => i > 0 && size < (sizes[i - 1] as number))).toBe(true);
    expect(Math.max(...sizes)).toBeLessThan(first.length * 30);
    const output = (await cached()).output;
    expect(output).toEqual(await uncached());
    expect(output.articles.find((a) => a.id === "b-body")?.json).toContain("Edit 79.");
  });

  it("ignores the whole file when its last segment is cut, and rebuilds it", async () => {
    await cached();
    const file = RecordCache.fileFor(cacheFolder, content);
    const first = (await stat(file)).size;
    await writeFile(path.join(content, "b-body.md"), record("With a body", "", "Edited.\n"));
    await cached();
    await truncate(file, first + Math.floor(((await stat(file)).size - first) / 2));
    const damaged = await cached();
    expect(damaged.notes).toEqual(["the build cache was ignored and is rebuilt: it is truncated or padded"]);
    expect(damaged.counts).toEqual({ cached: 0, compiled: 6 });
    expect(damaged.output).toEqual(await uncached());
    expect((await cached()).counts).toEqual({ cached: 6, compiled: 0 });
  });

  it("checks terms across records, cached ones included", async () => {
    await cached();
    await writeFile(path.join(content, "g-clash.md"), record("Clash", "topics:\n  - Climate change\n"));
    const clash = await cached();
    expect(clash.counts).toEqual({ cached: 6, compiled: 1 });
    expect(clash.output.problems).toContain(
      'content/g-clash.md: topics[0]: "Climate change" has the slug climate-change, like the topic "Climate Change" in content/a-plain.md (topics[0]): write one label the same way everywhere, or make the two differ in letters or digits',
    );
    expect(clash.output).toEqual(await uncached());
  });

  it("keeps the folder-wide steps for a rebuild with the same input, and redoes them when it changes", async () => {
    const steps = RecordCache.fileFor(cacheFolder, content).replace(/\.bin$/, ".steps");
    await cached();
    const kept = await readFile(steps);
    const keptAs = (await stat(steps)).ino;
    // A body edit that leaves every record's date, terms and words as they were: kept.
    await writeFile(
      path.join(content, "b-body.md"),
      record("With a body", "", "Some *Markdown* with [a link](https://example.com/x).\n\n- two\n- one\n"),
    );
    const same = await cached();
    expect(same.counts).toEqual({ cached: 5, compiled: 1 });
    expect(same.output).toEqual(await uncached());
    // Not written again: the same file (a write replaces it by a rename).
    expect((await stat(steps)).ino).toBe(keptAs);
    // A new word in a title: the postings are made again, and kept in place of the old ones.
    await writeFile(
      path.join(content, "a-plain.md"),
      RECORDS["a-plain.md"]?.replace("A plain record", "A plain zebra") as string,
    );
    const retitled = await cached();
    expect(retitled.output).toEqual(await uncached());
    expect(retitled.output.postings).toContain("zebra");
    expect((await readFile(steps)).equals(kept)).toBe(false);
    // A clash that goes away goes from the problems too.
    await writeFile(path.join(content, "g-clash.md"), record("Clash", "topics:\n  - Climate change\n"));
    expect((await cached()).output.problems).toHaveLength(2);
    await rm(path.join(content, "g-clash.md"));
    const gone = await cached();
    expect(gone.output.problems).toEqual(["content/e-fails.md:2: publishedDateTime: is required"]);
    expect(gone.output).toEqual(await uncached());
  });

  it.each([
    ["damaged", (bytes: Buffer) => Buffer.concat([bytes.subarray(0, -3), Buffer.from("[]]")])],
    ["cut short", (bytes: Buffer) => bytes.subarray(0, bytes.length - 20)],
    ["emptied", () => Buffer.alloc(0)],
  ])("ignores a steps file %s, and writes it again", async (_, damage) => {
    const steps = RecordCache.fileFor(cacheFolder, content).replace(/\.bin$/, ".steps");
    await cached();
    const good = await readFile(steps);
    await writeFile(steps, damage(good));
    const output = (await cached()).output;
    expect(output).toEqual(await uncached());
    expect((await readFile(steps)).subarray(good.indexOf(10))).toEqual(good.subarray(good.indexOf(10)));
  });

  it("does not take another folder's steps, even whole and in the same format", async () => {
    const steps = RecordCache.fileFor(cacheFolder, content).replace(/\.bin$/, ".steps");
    await cached();
    // The same folder's steps from before a record was added: whole, but for other input.
    const before = await readFile(steps);
    await writeFile(path.join(content, "g-new.md"), record("Another zebra", "topics:\n  - Zebras\n"));
    await cached();
    await writeFile(steps, before);
    const output = (await cached()).output;
    expect(output).toEqual(await uncached());
    expect(output.postings).toContain("zebra");
  });

  it("is invalidated entirely by a change in the compiler (here its schema)", async () => {
    // A copy of the compiler's sources, as if checked out elsewhere: the same fingerprint.
    const copy = path.join(dir, "copy");
    await cp(path.join(ROOT, "src"), path.join(copy, "src"), { recursive: true });
    await mkdir(path.join(copy, "node_modules"));
    await cp(path.join(ROOT, "node_modules/.package-lock.json"), path.join(copy, "node_modules/.package-lock.json"));
    expect(compilerFingerprint(copy)).toBe(compilerFingerprint(ROOT));
    await cached(copy);
    expect((await cached(copy)).counts).toEqual({ cached: 6, compiled: 0 });

    const schema = path.join(copy, "src/content/schema.ts");
    await writeFile(schema, (await readFile(schema, "utf8")).replace("label: 200,", "label: 199,"));
    expect(compilerFingerprint(copy)).not.toBe(compilerFingerprint(ROOT));
    const changed = await cached(copy);
    expect(changed.notes).toEqual([
      "the build cache was ignored and is rebuilt: the compiler changed since it was written",
    ]);
    expect(changed.counts).toEqual({ cached: 0, compiled: 6 });
    expect(changed.output).toEqual(await uncached());
    // So is a change in a module the compiler imports, and in the installed libraries.
    const before = compilerFingerprint(copy);
    const dates = path.join(copy, "src/dates.ts");
    await writeFile(dates, `${await readFile(dates, "utf8")}\n`);
    expect(compilerFingerprint(copy)).not.toBe(before);
    const lock = path.join(copy, "node_modules/.package-lock.json");
    const afterDates = compilerFingerprint(copy);
    await writeFile(lock, (await readFile(lock, "utf8")).replace(/"version": "[^"]+"/, '"version": "0.0.0"'));
    expect(compilerFingerprint(copy)).not.toBe(afterDates);
  });

  it.each([
    [
      "truncated",
      (file: string) => stat(file).then(({ size }) => truncate(file, Math.floor(size / 2))),
      "it is truncated or padded",
    ],
    ["emptied", (file: string) => truncate(file, 0), "it has no header"],
    [
      "with one byte of its columns changed",
      async (file: string) => {
        const bytes = await readFile(file);
        const at = bytes.indexOf('"names"');
        bytes[at + 1] = (bytes[at + 1] as number) ^ 1;
        await writeFile(file, bytes);
      },
      "its checksum does not match",
    ],
    ["not ours", (file: string) => writeFile(file, "{}\n[]"), "it was written in another format"],
  ])("ignores a cache file %s, and rebuilds it", async (_, damage, reason) => {
    await cached();
    await damage(RecordCache.fileFor(cacheFolder, content));
    const damaged = await cached();
    expect(damaged.notes).toEqual([`the build cache was ignored and is rebuilt: ${reason}`]);
    expect(damaged.counts).toEqual({ cached: 0, compiled: 6 });
    expect(damaged.output).toEqual(await uncached());
    expect((await cached()).counts).toEqual({ cached: 6, compiled: 0 });
  });
});

describe("an article's bytes in the cache, read when needed", () => {
  it.each([
    ["JSON", '"title":"With a body"', "the JSON of b-body.md is not what was written"],
    ["facets", '"climate-change"', "the facets of a-plain.md are not what was written"],
  ])("are checked when read: its %s damaged, the folder is compiled again", async (_, inside, what) => {
    await cached();
    const file = RecordCache.fileFor(cacheFolder, content);
    const bytes = await readFile(file);
    const at = bytes.lastIndexOf(inside);
    expect(at).toBeGreaterThan(0);
    bytes[at + 3] = (bytes[at + 3] as number) ^ 1;
    await writeFile(file, bytes);
    // The facets are read only when the folder-wide steps run again: without the steps file.
    await rm(file.replace(/\.bin$/, ".steps"));
    const damaged = await cached();
    expect(damaged.notes).toEqual([`the build cache was damaged (${what}) and is removed`]);
    expect(damaged.counts).toEqual({ cached: 0, compiled: 6 });
    expect(damaged.output).toEqual(await uncached());
    expect((await cached()).counts).toEqual({ cached: 6, compiled: 0 });
  });
});

describe("`npm run build` with the cache", () => {
  const build = (out: string, ...args: string[]) =>
    run(process.execPath, [path.join(ROOT, "scripts/launch.mjs"), "build", ...args], {
      env: { ...process.env, CONTENT_DIR: content, INDEX_OUT: out, BUILD_CACHE_DIR: cacheFolder },
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
  /** Without the cache, through tsx: the build as it ran before the cache. */
  const reference = (out: string) =>
    run("npx", ["tsx", "scripts/build.ts", "--no-cache"], {
      env: { ...process.env, CONTENT_DIR: content, INDEX_OUT: out },
    });
  /** What a build printed, without its timing (and the cache's count). */
  const printed = ({ stdout, stderr }: { stdout: string; stderr: string }) =>
    `${stdout}${stderr}`.replace(/ in \d+ ms.*$/m, "");

  it("writes the same index, byte for byte, cold, warm and after an edit, worker threads included", async () => {
    await rm(content, { recursive: true });
    // Past the threshold where records are compiled in worker threads.
    await run("npx", ["tsx", "scripts/generate-corpus.ts", "--count", "450", "--out", content, "--seed", "17"]);
    await writeFile(path.join(content, "zz-warning.md"), RECORDS["c-warning.md"] as string);
    const out = (name: string) => path.join(dir, name, "index.js");

    await reference(out("reference"));
    const cold = await build(out("cold"));
    expect(cold.stdout).toMatch(/, 0 of 451 records cached/);
    const warm = await build(out("warm"));
    expect(warm.stdout).toMatch(/, 451 of 451 records cached/);
    const expected = readIndexFiles(out("reference"));
    expect(readIndexFiles(out("cold"))).toEqual(expected);
    expect(readIndexFiles(out("warm"))).toEqual(expected);
    expect(printed(warm)).toBe(printed(cold));
    expect(warm.stderr).toContain("tittle: unknown field (ignored)");

    const [first] =
      [...readIndexFiles(out("reference")).values()]
        .map(String)
        .join("")
        .match(/"id":"[^"]+"/) ?? [];
    const edited = path.join(content, `${JSON.parse(`{${first}}`).id}.md`);
    await writeFile(edited, `${await readFile(edited, "utf8")}\nAn edit, *in Markdown*.\n`);
    // The worker threads left V8's code cache of their bundle (scripts/cached-worker.mjs); one
    // damaged is rejected by V8, and the edited record compiled from source all the same.
    const bundles = path.join(cacheFolder, "launch");
    const [bundle] = (await readdir(bundles)).filter((name) => /^build-[0-9a-f]+$/.test(name));
    const codeCache = path.join(bundles, bundle as string, "compile-worker.cjs.v8cache");
    expect((await stat(codeCache)).size).toBeGreaterThan(100_000);
    await writeFile(codeCache, Buffer.alloc(4096, 7));
    await reference(out("reference-edited"));
    const after = await build(out("edited"));
    expect(after.stdout).toMatch(/, 450 of 451 records cached/);
    const expectedAfter = readIndexFiles(out("reference-edited"));
    expect(expectedAfter).not.toEqual(expected);
    expect(readIndexFiles(out("edited"))).toEqual(expectedAfter);
    expect((await stat(codeCache)).size).toBeGreaterThan(100_000);
    expect(await readFile(path.join(dir, "edited/build-problems.js"), "utf8")).toBe(
      await readFile(path.join(dir, "reference-edited/build-problems.js"), "utf8"),
    );
  }, 120_000);

  it("fails --strict on a cached record's warning as on a compiled one's", async () => {
    const out = path.join(dir, "strict/index.js");
    await rm(path.join(content, "e-fails.md"));
    const cold = await build(out, "--strict");
    const warm = await build(out, "--strict");
    for (const result of [cold, warm]) {
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("build failed (--strict): 2 warning(s)");
    }
    expect(printed(warm)).toBe(printed(cold));
    expect((await build(out, "--check")).code).toBe(0);
  }, 60_000);
});
