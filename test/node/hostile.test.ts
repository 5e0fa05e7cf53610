// The hostile corpus of front matter (test/fixtures/hostile/fm-*.md, issue 12 items 1-4) and
// folder entries the build does not read (item 7): each with the exact lines the build
// prints; the records that build, read back from every format by independent parsers; no
// secured value and no draft's canary anywhere in the index or a feed.
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readWranglerConfig, varsOf } from "../../scripts/wrangler-config.js";
import { siteConfig } from "../../src/config.js";
import type { Article } from "../../src/content/article.js";
import { type CompileResult, compileDirectory, formatProblem } from "../../src/content/compile.js";
import { FORMATS } from "../../src/feed/formats.js";
import { feedView } from "../../src/feed/view.js";
import { checkJsonFeed } from "../support/jsonfeed-schema.js";
import { readAtom, readRss } from "../support/parse.js";

const run = promisify(execFile);
const HOSTILE = "test/fixtures/hostile";
const CANARY = /CANARY-(?:SECURED|DRAFT)-[\w-]+/;

const dash = (line: number, text: string) =>
  `${line}: a line starting with \`---\` inside the front matter (\`${text}\`): only a line of exactly \`---\` ends it; indent or quote it if it is a value`;
const opening = (text: string) =>
  `1: front matter must open with a line of exactly \`---\`, not \`${text}\` (only YAML is read, and nothing may follow the dashes)`;
const privacy = (line: number, key: string, field: string) =>
  `${line}: ${key}: unknown field; did you mean \`${field}\`? A misspelt \`${field}\` is an error, not a warning: the record could otherwise be published by mistake`;
const merge = (line: number) => `${line}: YAML merge keys (\`<<\`) are not allowed: write each field out`;
const tag = (line: number, written: string) =>
  `${line}: YAML tags (${written}) are not allowed: write a plain or quoted value`;

/** Each record's lines, after `hostile/<name>.md:`; `builds` for those that compile. */
const EXPECTED: Record<string, { errors?: string[]; warnings?: string[]; builds?: true }> = {
  // Item 1: the first line of exactly `---` closes; any other dash line inside is an error.
  "fm-dash-line": { errors: [dash(5, "-------------------------")] },
  "fm-dash-x": { errors: [dash(5, "---x")] },
  "fm-dash-four": { errors: [dash(5, "----")] },
  "fm-dash-text": { errors: [dash(5, "--- more")] },
  "fm-dash-tab": { errors: [dash(5, "---\tx")] },
  "fm-dash-two": { errors: [dash(5, "---x"), dash(7, "-----")] },
  "fm-dash-crlf": { errors: [dash(5, "---x")] },
  "fm-unclosed": { errors: ["1: front matter is not closed by a `---` line"] },
  "fm-close-trailing": { builds: true },
  "fm-dash-body": { builds: true },
  "fm-dash-block": { builds: true },
  // Item 2: only `---` or `---yaml` opens; every other marker is named, none evaluated.
  "fm-lang-coffee": { errors: [opening("---coffee")] },
  "fm-lang-toml": { errors: [opening("---toml")] },
  "fm-lang-json-upper": { errors: [opening("---JSON")] },
  "fm-lang-comment": { errors: [opening("--- # comment")] },
  "fm-lang-yaml-upper": { errors: [opening("---YAML")] },
  "fm-lang-dashes": { errors: [opening("-----")] },
  "fm-lang-js": { errors: ["1: front matter must be YAML, not JavaScript (it is never evaluated)"] },
  "fm-lang-yaml": { builds: true },
  // Item 3: near-misses of the privacy fields, merge keys and tags are errors.
  "fm-published-case": { errors: [privacy(5, "Published", "published")] },
  "fm-published-upper": { errors: [privacy(5, "PUBLISHED", "published")] },
  "fm-publish": { errors: [privacy(5, "publish", "published")] },
  "fm-draft": { errors: [privacy(5, "draft", "published")] },
  "fm-published-typo": { errors: [privacy(5, "pubilshed", "published")] },
  "fm-secured-upper": { errors: [privacy(5, "SECURED", "secured")] },
  "fm-secured-case": { errors: [privacy(5, "Secured", "secured")] },
  "fm-secured-typo": { errors: [privacy(5, "secrued", "secured")] },
  "fm-merge": { errors: [merge(5)] },
  "fm-merge-nested": { errors: [merge(7)] },
  "fm-merge-quoted": { errors: [merge(5)] },
  "fm-tag-js-function": { errors: [tag(7, "!!js/function")] },
  "fm-tag-binary": { errors: [tag(7, "!!binary")] },
  "fm-tag-local": { errors: [tag(7, "!foo")] },
  "fm-tag-verbatim": { errors: [tag(7, "!<tag:yaml.org,2002:str>")] },
  "fm-tag-str": { errors: [tag(7, "!!str")] },
  "fm-tag-secured": { errors: [tag(6, "!!binary")] },
  "fm-alias-secured": { errors: ["5: YAML anchors (&s) are not allowed"] },
  // Item 4: unknown fields at any depth are warnings, with the likely field.
  "fm-unknown-fields": {
    builds: true,
    warnings: [
      "5: tittle: unknown field (ignored); did you mean `title`?",
      "6: exerpt: unknown field (ignored); did you mean `excerpt`?",
      "7: topic: unknown field (ignored); did you mean `topics`?",
      "8: author: unknown field (ignored); did you mean `provider`?",
      "13: provider.url: unknown field (ignored)",
      "16: images[0].alt: unknown field (ignored)",
      "20: related[0].summary: unknown field (ignored); did you mean `excerpt`?",
    ],
  },
};

const ours = (file: string) => path.basename(file).startsWith("fm-");
const lines = (problems: CompileResult["problems"]) => problems.filter((p) => ours(p.file)).map(formatProblem);
const expectedLines = (kind: "errors" | "warnings") =>
  Object.keys(EXPECTED)
    .map((name) => `${name}.md`)
    // In file-name order, as the build goes through the folder.
    .sort()
    .flatMap((file) => (EXPECTED[file.slice(0, -3)]?.[kind] ?? []).map((line) => `hostile/${file}:${line}`));

let compiled: CompileResult;
let sources: Map<string, string>;
beforeAll(async () => {
  compiled = await compileDirectory(HOSTILE, "hostile");
  const names = (await readdir(HOSTILE)).filter(ours);
  sources = new Map(
    await Promise.all(names.map(async (name) => [name, await readFile(path.join(HOSTILE, name), "utf8")] as const)),
  );
});

describe("the hostile front-matter corpus", () => {
  it("has an expectation for every record, and a record for every expectation", () => {
    expect([...sources.keys()].sort()).toEqual(
      Object.keys(EXPECTED)
        .map((name) => `${name}.md`)
        .sort(),
    );
  });

  it("names every error with its file and line, in file order, all in one run", () => {
    expect(lines(compiled.problems)).toEqual(expectedLines("errors"));
  });

  it("names every unknown field in a warning, at its line", () => {
    expect(lines(compiled.warnings)).toEqual(expectedLines("warnings"));
  });

  it("compiles exactly the records that build", () => {
    const built = compiled.index.articles.map((article) => article.id).filter(ours);
    const expected = Object.keys(EXPECTED).filter((name) => EXPECTED[name]?.builds);
    expect(built.sort()).toEqual(expected.sort());
  });

  it("never evaluates front matter", () => {
    expect((globalThis as { __fmEvaluated?: unknown }).__fmEvaluated).toBeUndefined();
  });

  it("compiles no secured value and no draft's canary", () => {
    // Every record of the corpus carries its canaries in plain text (the base64 one too).
    const canaries = [...sources.values()].flatMap((source) => source.match(new RegExp(CANARY, "g")) ?? []);
    expect(canaries.length).toBeGreaterThan(40);
    expect(JSON.stringify(compiled.index)).not.toMatch(CANARY);
    expect(JSON.stringify(compiled.index)).not.toContain("Q0FOQVJZ");
  });
});

describe("the hostile records that build", () => {
  const article = (id: string) => compiled.index.articles.find((a) => a.id === id) as Article;

  it("keep what their front matter and body say", () => {
    expect(article("fm-close-trailing")).toMatchObject({
      title: "Hostile record fm-close-trailing",
      url: "https://example.com/fm-close-trailing",
      published: "2024-05-02T09:15:00Z",
      contentHtml: "<p>Body after a closing line with trailing blanks.</p>",
    });
    // A body's `---` lines are Markdown: thematic breaks, or the text `---x`.
    expect(article("fm-dash-body").contentHtml).toBe(
      "<p>Above the rule.</p>\n<hr />\n<p>Below it.</p>\n<hr />\n<p>---x</p>",
    );
    expect(article("fm-dash-block").summary).toBe("---x is a value here, indented in a block scalar");
    expect(article("fm-lang-yaml")).toMatchObject({
      title: "Hostile record fm-lang-yaml",
      contentHtml: "<p>Opened with <code>---yaml</code>.</p>",
    });
    // Unknown fields are dropped; the known ones around them are kept.
    const unknown = article("fm-unknown-fields");
    expect(unknown).toMatchObject({
      title: "Hostile record fm-unknown-fields",
      topics: [{ label: "Physics", slug: "physics" }],
      provider: { name: "Example News" },
      images: [{ url: "https://example.com/fm-unknown-fields.png" }],
      related: [{ title: "A related story", url: "https://example.com/related" }],
    });
    // No excerpt: the summary is derived from the body (docs/feeds.md).
    expect(unknown.summary).toBe("Body of a record with unknown fields.");
    expect(JSON.stringify(unknown)).not.toMatch(/misspelt|Someone|an image|its summary|Science/);
  });

  it("read back the same from RSS, Atom and JSON Feed, with no canary in any byte", () => {
    const wrangler = readWranglerConfig("wrangler.toml");
    const site = siteConfig({ ...varsOf(wrangler, undefined) });
    const items = compiled.index.articles.filter((a) => ours(a.id));
    const links = { rss: `${site.origin}/rss.xml`, atom: `${site.origin}/atom.xml`, json: `${site.origin}/feed.json` };
    const view = feedView(site, { key: "", homeUrl: `${site.origin}/`, links, nav: {}, archive: false }, items);
    const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    const rss = decode(FORMATS.rss.render(view).bytes);
    const atom = decode(FORMATS.atom.render(view).bytes);
    const json = decode(FORMATS.json.render(view).bytes);
    for (const body of [rss, atom, json]) expect(body).not.toMatch(CANARY);
    const expected = items.map((a) => ({ title: a.title, link: a.url, date: a.published }));
    const pick = ({ title, link, date }: { title: string; link: string; date: string }) => ({ title, link, date });
    expect(readRss(rss).items.map(pick)).toEqual(expected.map((e) => ({ ...e, date: new Date(e.date).toUTCString() })));
    expect(readAtom(atom).items.map(pick)).toEqual(expected);
    const feed = JSON.parse(json);
    expect(checkJsonFeed(feed)).toEqual([]);
    expect(
      feed.items.map((i: Record<string, string>) => ({ title: i.title, link: i.url, date: i.date_published })),
    ).toEqual(expected);
  });
});

describe("`npm run build` on the hostile corpus", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "hostile-"));
    await mkdir(path.join(dir, "hostile"));
    for (const name of sources.keys()) await cp(path.join(HOSTILE, name), path.join(dir, "hostile", name));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const build = (...args: string[]) =>
    run("npx", ["tsx", "scripts/build.ts", ...args], {
      env: { ...process.env, CONTENT_DIR: path.join(dir, "hostile"), INDEX_OUT: path.join(dir, "index.js") },
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

  it("prints every error once, each warning once under its file, no stack trace, and fails", async () => {
    const { code, stdout, stderr } = await build();
    expect(code).toBe(1);
    const relative = path.relative(process.cwd(), path.join(dir, "hostile"));
    const printed = stderr.split("\n").filter((line) => line.startsWith(relative));
    expect(printed).toEqual(expectedLines("errors").map((line) => line.replace(/^hostile/, relative)));
    const warned = (EXPECTED["fm-unknown-fields"]?.warnings ?? []).map((line) => `  line ${line}`);
    expect(stderr).toContain([`warning: ${relative}/fm-unknown-fields.md`, ...warned].join("\n"));
    expect(stderr.split(`warning: ${relative}/fm-unknown-fields.md`).length).toBe(2);
    expect(`${stdout}${stderr}`).not.toMatch(/\n\s+at |Error:/);
    expect(stderr).toContain(`build failed: ${expectedLines("errors").length} problem(s)`);
    await expect(readFile(path.join(dir, "index.js"))).rejects.toThrow();
  });

  it("builds the records with warnings, unless --strict", async () => {
    const only = path.join(dir, "hostile");
    for (const name of sources.keys()) if (!EXPECTED[name.slice(0, -3)]?.builds) await rm(path.join(only, name));
    const built = await build();
    expect(built.code).toBe(0);
    expect(built.stdout).toContain("built 5 articles");
    for (const args of [["--strict"], ["--check", "--strict"]]) {
      const strict = await build(...args);
      expect(strict.code).toBe(1);
      expect(strict.stderr).toContain(`build failed (--strict): 7 warning(s) in ${only}; nothing was written`);
    }
    expect((await build("--check")).code).toBe(0);
  });
});

describe("entries of the content folder that are not records (item 7)", () => {
  let dir: string;
  let result: CompileResult;
  const OUTSIDE = `---
title: "Outside CANARY-DRAFT-fm-outside"
publishedDateTime: 2024-05-02T09:15:00Z
webUrl: "https://example.com/outside"
secured: "CANARY-SECURED-fm-outside"
---
`;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "entries-"));
    const content = path.join(dir, "content");
    await mkdir(path.join(content, "drafts"), { recursive: true });
    await writeFile(path.join(dir, "outside.md"), OUTSIDE);
    await writeFile(path.join(content, "drafts/in-folder.md"), OUTSIDE);
    await writeFile(path.join(content, "good.md"), sources.get("fm-lang-yaml.md") as string);
    await writeFile(path.join(content, "notes.txt"), "notes");
    await writeFile(path.join(content, ".good.md.swp"), "editor state");
    await symlink(path.join(dir, "outside.md"), path.join(content, "link-out.md"));
    await symlink("good.md", path.join(content, "link-in.md"));
    await symlink(dir, path.join(content, "link-dir"));
    await run("mkfifo", [path.join(content, "pipe.md")]);
    result = await compileDirectory(content, "content");
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("names each one; none is skipped silently, and no link is followed", () => {
    const link = "is a symbolic link, which the build never follows: records must be files";
    expect(result.problems.map(formatProblem)).toEqual([
      `content/link-dir: ${link}`,
      `content/link-in.md: ${link}`,
      `content/link-out.md: ${link}`,
      "content/notes.txt: is not a record: records are .md files",
      "content/pipe.md: is not a regular file; it is not read",
    ]);
    expect(result.warnings.map(formatProblem)).toEqual([
      "content/.good.md.swp: is a hidden file, which the build does not read",
      "content/drafts: is a folder, which the build does not read: records sit directly in the content folder",
    ]);
    expect(result.index.articles.map((a) => a.id)).toEqual(["good"]);
    expect(JSON.stringify(result.index)).not.toMatch(CANARY);
  });
});
