// The build step in Node, where it runs: every bad record reported at once, with its
// file, line and field; hostile but valid records cleaned; nothing private compiled.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { compileDirectory, formatProblem, parseRecord } from "../../src/content/compile.js";

const run = promisify(execFile);
const GOOD = `---
title: "A good record"
publishedDateTime: 2024-05-02T09:15:00Z
webUrl: "https://example.com/good"
---
`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "records-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(files: Record<string, string | Uint8Array>) {
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), content);
}

const parse = (source: string) => parseRecord("content/x.md", "x", new TextEncoder().encode(source));

/** Bad records, each with the exact line the build must print for it. */
const BAD: Record<string, { source: string | Uint8Array; errors: string[] }> = {
  "a-empty-title.md": {
    source: '---\ntitle: "   "\npublishedDateTime: 2024-05-02T09:15:00Z\nwebUrl: https://example.com/a\n---\n',
    errors: ["content/a-empty-title.md:2: title: must not be empty"],
  },
  "b-missing.md": {
    source: "---\nexcerpt: no title, no date, no URL\n---\n",
    errors: ["content/b-missing.md:2: title: is required", "content/b-missing.md:2: publishedDateTime: is required"],
  },
  "c-dates.md": {
    source:
      '---\ntitle: t\npublishedDateTime: "2024-05-02T09:15:00"\nwebUrl: https://example.com/c\nrelated:\n  - title: r\n    webUrl: https://example.com/r\n    publishedDateTime: yesterday\n---\n',
    errors: [
      "content/c-dates.md:3: publishedDateTime: must be an ISO 8601 date-time with a time zone, e.g. 2024-05-02T09:15:00Z",
      "content/c-dates.md:8: related[0].publishedDateTime: must be an ISO 8601 date-time with a time zone, e.g. 2024-05-02T09:15:00Z",
    ],
  },
  "d-urls.md": {
    source:
      "---\ntitle: t\npublishedDateTime: 2024-05-02T09:15:00Z\noriginalUrl: javascript:alert(1)\nwebUrl: /relative/path\nimages:\n  - url: data:image/png;base64,AAAA\n---\n",
    errors: [
      "content/d-urls.md:4: originalUrl: must be an http(s) URL",
      "content/d-urls.md:5: webUrl: must be an absolute URL",
      "content/d-urls.md:7: images[0].url: must be an http(s) URL",
    ],
  },
  "e-no-url.md": {
    source: "---\ntitle: t\npublishedDateTime: 2024-05-02T09:15:00Z\n---\n",
    errors: ["content/e-no-url.md:2: webUrl: needs a webUrl or an originalUrl"],
  },
  "f-types.md": {
    source:
      '---\ntitle: t\npublishedDateTime: 2024-05-02T09:15:00Z\nwebUrl: https://example.com/f\nquality: "high"\ntopics: AI\npublished: "no"\nheat: -2\n---\n',
    errors: [
      "content/f-types.md:5: quality: expected number, received string",
      "content/f-types.md:6: topics: expected array, received string",
      "content/f-types.md:7: published: expected boolean, received string",
      "content/f-types.md:8: heat: Too small: expected number to be >=-1",
    ],
  },
  "g-js.md": {
    source: '---js\n{ title: (globalThis.__evaluated = "yes"), publishedDateTime: new Date() }\n---\n',
    errors: ["content/g-js.md:1: front matter must be YAML, not JavaScript (it is never evaluated)"],
  },
  "h-javascript.md": {
    source: '---javascript\n{ title: (globalThis.__evaluated = "yes") }\n---\n',
    errors: ["content/h-javascript.md:1: front matter must be YAML, not JavaScript (it is never evaluated)"],
  },
  "i-alias.md": {
    source: '---\na: &a ["x", "x", "x"]\nb: &b [*a, *a, *a]\ntitle: t\n---\n',
    errors: ["content/i-alias.md:2: YAML anchors (&a) are not allowed"],
  },
  "j-unclosed.md": {
    source: "---\ntitle: t\npublishedDateTime: 2024-05-02T09:15:00Z\n",
    errors: ["content/j-unclosed.md:1: front matter is not closed by a `---` line"],
  },
  "k-bom.md": {
    source: new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(GOOD)]),
    errors: ["content/k-bom.md: starts with a byte order mark; save it as UTF-8 without BOM"],
  },
  "l-latin1.md": {
    source: new Uint8Array([
      ...new TextEncoder().encode("---\ntitle: caf"),
      0xe9,
      ...new TextEncoder().encode("\n---\n"),
    ]),
    errors: ["content/l-latin1.md: is not valid UTF-8"],
  },
  "m-yaml.md": {
    source: "---\ntitle: t\ntitle: again\n---\n",
    errors: ["content/m-yaml.md:3: invalid YAML: Map keys must be unique"],
  },
  "n-no-front-matter.md": {
    source: "Just some Markdown.\n",
    errors: ["content/n-no-front-matter.md:1: must start with a `---` line opening the YAML front matter"],
  },
  "O-DUPLICATE.md": { source: GOOD, errors: [] },
  "o-duplicate.md": {
    source: GOOD,
    errors: ["content/o-duplicate.md: duplicate id: content/O-DUPLICATE.md has the same id"],
  },
  "p-notes.txt": { source: "notes", errors: ["content/p-notes.txt: is not a record: records are .md files"] },
  "q-long-title.md": {
    source: `---\ntitle: "${"x".repeat(501)}"\npublishedDateTime: 2024-05-02T09:15:00Z\nwebUrl: https://example.com/q\n---\n`,
    errors: ["content/q-long-title.md:2: title: must be at most 500 characters"],
  },
  "r-long-body.md": {
    source: `${GOOD}\n${"word ".repeat(40_001)}\n`,
    errors: ["content/r-long-body.md:6: body: must be at most 200000 characters"],
  },
  "s-huge.md": {
    source: `${GOOD}${"a".repeat(1024 * 1024)}`,
    errors: ["content/s-huge.md: is larger than 1048576 bytes"],
  },
  "t-related.md": {
    source:
      "---\ntitle: t\npublishedDateTime: 2024-05-02T09:15:00Z\nwebUrl: https://example.com/t\nrelated:\n  - title: r\n    webUrl: data:text/html,<script>alert(1)</script>\n  - excerpt: no title\n---\n",
    errors: [
      "content/t-related.md:7: related[0].webUrl: must be an http(s) URL",
      "content/t-related.md:8: related[1].title: is required",
    ],
  },
  "u-json.md": {
    source: '---json\n{ "title": "t" }\n---\n',
    errors: ["content/u-json.md:1: front matter must be YAML, not JSON (it is never evaluated)"],
  },
  "v-laughs.md": {
    source:
      '---\na: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n---\n',
    errors: ["content/v-laughs.md:2: YAML anchors (&a) are not allowed"],
  },
  "w-numbers.md": {
    source:
      "---\ntitle: t\npublishedDateTime: 2024-05-02T09:15:00Z\nwebUrl: https://example.com/w\nquality: .nan\nimages:\n  - url: https://example.com/i.png\n    width: 1.5\n    height: 0\n---\n",
    errors: [
      "content/w-numbers.md:5: quality: expected number, received NaN",
      "content/w-numbers.md:8: images[0].width: expected int, received number",
      "content/w-numbers.md:9: images[0].height: Too small: expected number to be >0",
    ],
  },
  "x-date.md": {
    source: "---\ntitle: t\npublishedDateTime: 2024-02-30T09:15:00Z\nwebUrl: https://example.com/x\n---\n",
    errors: [
      "content/x-date.md:3: publishedDateTime: must be an ISO 8601 date-time with a time zone, e.g. 2024-05-02T09:15:00Z",
    ],
  },
};

describe("a bad content folder", () => {
  it("reports every problem of every record in one run, in file order", async () => {
    await write(Object.fromEntries(Object.entries(BAD).map(([name, { source }]) => [name, source])));
    const { problems, index } = await compileDirectory(dir, "content");
    const expected = Object.keys(BAD)
      .sort()
      .flatMap((name) => BAD[name]?.errors ?? []);
    expect(problems.map(formatProblem)).toEqual(expected);
    // The good twin of the duplicate compiles; nothing else does.
    expect(index.articles.map((article) => article.id)).toEqual(["O-DUPLICATE"]);
    expect((globalThis as { __evaluated?: string }).__evaluated).toBeUndefined();
  });

  it("stops `npm run build` with a non-zero exit and writes nothing", async () => {
    await write({ "good.md": GOOD, "bad.md": BAD["b-missing.md"]?.source as string });
    const out = path.join(dir, "index.js");
    const result = await run("npx", ["tsx", "scripts/build.ts"], {
      env: { ...process.env, CONTENT_DIR: dir, INDEX_OUT: out },
    }).catch((error: { code: number; stderr: string }) => error);
    expect("code" in result && result.code).toBe(1);
    const relative = path.relative(process.cwd(), dir);
    expect(result.stderr).toContain(`${relative}/bad.md:2: title: is required`);
    expect(result.stderr).toContain(`${relative}/bad.md:2: publishedDateTime: is required`);
    await expect(readFile(out)).rejects.toThrow();
  });

  it("builds a good folder into an importable index", async () => {
    await write({ "good.md": GOOD });
    const out = path.join(dir, "index.js");
    await run("npx", ["tsx", "scripts/build.ts"], { env: { ...process.env, CONTENT_DIR: dir, INDEX_OUT: out } });
    const { default: index } = await import(out);
    expect(index.articles.map((article: { id: string }) => article.id)).toEqual(["good"]);
    expect(index.version).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe("a failed build under wrangler dev", () => {
  const build = (command: string) =>
    run("npx", ["tsx", "scripts/build.ts"], {
      env: { ...process.env, CONTENT_DIR: dir, INDEX_OUT: path.join(dir, "out/index.js"), WRANGLER_COMMAND: command },
    }).then(
      () => 0,
      (error: { code: number }) => error.code,
    );

  it("writes its problems for the dev server and exits 0; a deploy's build still fails", async () => {
    await write({ "bad.md": BAD["b-missing.md"]?.source as string });
    expect(await build("deploy")).toBe(1);
    await expect(readFile(path.join(dir, "out/build-problems.js"))).rejects.toThrow();
    expect(await build("dev")).toBe(0);
    const { default: problems } = await import(path.join(dir, "out/build-problems.js"));
    const relative = path.relative(process.cwd(), dir);
    expect(problems).toEqual([
      { file: `${relative}/bad.md`, line: 2, field: "title", message: "is required" },
      { file: `${relative}/bad.md`, line: 2, field: "publishedDateTime", message: "is required" },
    ]);
    // With no good build before it, the Worker still bundles: an empty index.
    const { default: index } = await import(path.join(dir, "out/index.js"));
    expect(index.articles).toEqual([]);
  });
});

describe('a Worker that reads D1 (STORE = "d1")', () => {
  const build = (store: string) =>
    run("npx", ["tsx", "scripts/build.ts"], {
      // Any value: process.env's type knows only the STORE of wrangler.toml.
      env: {
        ...process.env,
        CONTENT_DIR: dir,
        INDEX_OUT: path.join(dir, "index.js"),
        STORE: store,
      } as NodeJS.ProcessEnv,
    });

  it("validates every record but bundles none, with a version of the code alone", async () => {
    await write({ "good.md": GOOD });
    const { stdout } = await build("d1");
    expect(stdout).toContain('checked 1 articles (0 scheduled, 0 drafts left out); STORE = "d1"');
    const { default: index } = await import(path.join(dir, "index.js"));
    expect(index).toEqual({ version: expect.stringMatching(/^[0-9a-f]{16}$/), articles: [], store: "d1" });
  });

  it("still stops on a bad record", async () => {
    await write({ "bad.md": BAD["b-missing.md"]?.source as string });
    const result = await build("d1").catch((error: { code: number; stderr: string }) => error);
    expect("code" in result && result.code).toBe(1);
    expect(result.stderr).toContain("bad.md:2: title: is required");
  });

  it("refuses a store it does not know", async () => {
    await write({ "good.md": GOOD });
    const result = await build("kv").catch((error: { code: number; stderr: string }) => error);
    expect("code" in result && result.code).toBe(1);
    expect(result.stderr).toContain('STORE must be "bundled" or "d1", not "kv"');
  });
});

describe("a valid record", () => {
  it("keeps any number of ]]> and drops XML-illegal control characters", () => {
    const result = parse(
      '---\ntitle: "a ]]> b ]]> c\\u0001\\u0008\\u000B\\uFFFE d"\nexcerpt: "x ]]> y\\u001F"\npublishedDateTime: 2024-05-02T09:15:00Z\nwebUrl: https://example.com/a\n---\nBody ]]> and ]]> with \u0007bell.\n',
    );
    expect(result).toMatchObject({
      ok: true,
      article: {
        title: "a ]]> b ]]> c d",
        summary: "x ]]> y",
        contentHtml: "<p>Body ]]&gt; and ]]&gt; with bell.</p>",
      },
    });
  });

  it("accepts dates as YAML timestamps or quoted strings, with any offset", () => {
    const at = (date: string) => {
      const result = parse(`---\ntitle: t\npublishedDateTime: ${date}\nwebUrl: https://example.com/a\n---\n`);
      return result.ok ? result.article?.published : result.problems;
    };
    expect(at("2021-03-12T18:33:00Z")).toBe("2021-03-12T18:33:00Z");
    expect(at('"2021-03-12T20:33:00+02:00"')).toBe("2021-03-12T18:33:00Z");
    expect(at("2021-03-12T18:33:00.750Z")).toBe("2021-03-12T18:33:00Z");
  });

  it("drops `secured` and unknown fields, and skips drafts", () => {
    const secured = "c2VjcmV0LXBheWxvYWQ=";
    const result = parse(
      `---\ntitle: t\npublishedDateTime: 2024-05-02T09:15:00Z\nwebUrl: https://example.com/a\nsecured: "${secured}"\ninternalMemo: hi\n---\n`,
    );
    expect(result.ok).toBe(true);
    expect(JSON.stringify(result)).not.toContain(secured);
    // The unknown field is dropped from the article, and named in a warning.
    expect(JSON.stringify(result.ok && result.article)).not.toContain("internalMemo");
    expect(result.warnings.map(formatProblem)).toEqual(["content/x.md:6: internalMemo: unknown field (ignored)"]);
    const draft = parse(
      "---\ntitle: t\npublishedDateTime: 2024-05-02T09:15:00Z\nwebUrl: https://e.com/a\npublished: false\n---\n",
    );
    expect(draft).toEqual({ ok: true, article: null, warnings: [] });
  });

  // Hostile but valid bodies, each with the exact HTML the build must make of it.
  it.each([
    ["<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"],
    ["[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>"],
    ["[x](JaVaScRiPt:alert(1))", "<p>[x](JaVaScRiPt:alert(1))</p>"],
    ["<img src=x onerror=alert(1)>", "<p>&lt;img src=x onerror=alert(1)&gt;</p>"],
    [
      '<iframe src="https://evil.example"></iframe>',
      "<p>&lt;iframe src=&quot;https://evil.example&quot;&gt;&lt;/iframe&gt;</p>",
    ],
    [
      '<a href="javascript:x" onclick="y">z</a>',
      "<p>&lt;a href=&quot;javascript:x&quot; onclick=&quot;y&quot;&gt;z&lt;/a&gt;</p>",
    ],
    ["![i](data:image/png;base64,AAA)", "<p>![i](data:image/png;base64,AAA)</p>"],
    ["[rel](/relative)", "<p>[rel](/relative)</p>"],
    ["```js\n</code><script>\n```", '<pre><code class="language-js">&lt;/code&gt;&lt;script&gt;\n</code></pre>'],
    ['[ok](https://example.com/?a=1&b=2 "t")', '<p><a href="https://example.com/?a=1&amp;b=2" title="t">ok</a></p>'],
    ["[mail](mailto:a@b.c)", '<p><a href="mailto:a@b.c">mail</a></p>'],
    ["*a* **b** `c` ]]> ]]> \u0000\u0007", "<p><em>a</em> <strong>b</strong> <code>c</code> ]]&gt; ]]&gt;</p>"],
    ["\u202Eright-to-left\u202C 🎉 𝔘", "<p>\u202Eright-to-left\u202C 🎉 𝔘</p>"],
  ])("renders the body %j as exactly %j", (body, html) => {
    const result = parse(
      `---\ntitle: t\npublishedDateTime: 2024-05-02T09:15:00Z\nwebUrl: https://example.com/a\n---\n${body}\n`,
    );
    expect(result).toMatchObject({ ok: true, article: { contentHtml: html } });
  });

  it.each([
    ['"<b>bold</b> & <i>"', "<b>bold</b> & <i>"],
    ['"\u200F\u05E9\u05DC\u05D5\u05DD 🎉 𝔘 ]]> ]]>"', "\u200F\u05E9\u05DC\u05D5\u05DD 🎉 𝔘 ]]> ]]>"],
    ['"  padded\ttitle  "', "padded\ttitle"],
  ])("keeps the title %s as the text %j", (yaml, title) => {
    const result = parse(
      `---\ntitle: ${yaml}\npublishedDateTime: 2024-05-02T09:15:00Z\nwebUrl: https://example.com/a\n---\n`,
    );
    expect(result).toMatchObject({ ok: true, article: { title } });
  });

  it("renders Markdown with raw HTML and script links made inert", () => {
    const result = parse(
      '---\ntitle: t\npublishedDateTime: 2024-05-02T09:15:00Z\nwebUrl: https://example.com/a\n---\n<script>alert(1)</script>\n\n[click](javascript:alert(1)) <img src=x onerror=alert(1)> <iframe src="https://evil.example"></iframe>\n',
    );
    const html = result.ok ? (result.article?.contentHtml ?? "") : "";
    expect(html).not.toMatch(/<script|<img|<iframe|href="javascript/i);
    expect(html).toContain("&lt;script&gt;");
  });
});

describe("the committed content", () => {
  it("compiles without drafts or secured payloads", async () => {
    const { index, problems, drafts } = await compileDirectory("content");
    expect(problems.map(formatProblem)).toEqual([]);
    expect(index.articles.length).toBeGreaterThanOrEqual(40);
    expect(drafts).toBeGreaterThanOrEqual(3);
    const compiled = JSON.stringify(index);
    expect(compiled).not.toContain("000_d57fb7c89f2f0dda");
    expect(compiled).not.toContain("secured");
    expect(compiled).not.toContain("IGCMuMpNbn1mXVTOQfCndotGN6TKDumu");
  });
});
