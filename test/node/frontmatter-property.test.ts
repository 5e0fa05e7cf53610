// Random front matter built from hostile fragments (delimiters, dash lines, tags, merge
// keys, case variants of `published` and `secured`, unknown keys): whatever the mix, no
// secured value and no draft's canary reaches the compiled article or a rendered feed,
// and parsing never throws.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readWranglerConfig, varsOf } from "../../scripts/wrangler-config.js";
import { siteConfig } from "../../src/config.js";
import { type ParsedRecord, parseRecord } from "../../src/content/compile.js";
import { FORMATS } from "../../src/feed/formats.js";
import { feedView } from "../../src/feed/view.js";

const SECRET = "CANARY-SECURED-fm-property";
const DRAFT = "CANARY-DRAFT-fm-property";

/** Lines that carry the secret, in every spelling a writer or a pipeline might use. */
const secretLines = fc.constantFrom(
  `secured: "${SECRET}"`,
  `secured: ${SECRET}`,
  `SECURED: "${SECRET}"`,
  `Secured: "${SECRET}"`,
  `secrued: "${SECRET}"`,
  `secured: !!str ${SECRET}`,
  `secured: !secret "${SECRET}"`,
  `secured: |\n  ${SECRET}`,
  `secured:\n  - ${SECRET}`,
  `<<: {secured: "${SECRET}"}`,
  `<<: {published: false, secured: "${SECRET}"}`,
);

/** Lines by which a writer means "do not publish". */
const draftLines = fc.constantFrom(
  "published: false",
  "Published: false",
  "PUBLISHED: false",
  "publish: false",
  "draft: true",
  "pubilshed: false",
  "published: !!bool false",
  "<<: {published: false}",
  "published: no",
);

/** Lines that are neither, some harmless, some hostile. */
const otherLines = fc.constantFrom(
  "excerpt: plain",
  "tittle: misspelt",
  "topic: Science",
  "author: Someone",
  "editorNote: internal",
  "topics: [AI, Science]",
  "provider: {name: P, url: https://example.com/}",
  "quality: 50",
  "# a comment",
  "",
  "  ---x",
  "excerpt: |\n  ---x inside a block scalar",
  "x: !!binary aGk=",
  "x: !!js/function 'function () {}'",
  "x: &a [1]",
  "y: *a",
  "...",
);

/** Dash lines that are not an exact `---`: inside the front matter, each is an error. */
const dashLines = fc.constantFrom("---x", "-----", "--------------------", "--- x", "---\tx", "---yaml", "---js");

const opening = fc.constantFrom(
  "---",
  "---yaml",
  "---  ",
  "---\t",
  "---js",
  "---coffee",
  "---JSON",
  "--- # c",
  "-----",
);
const closing = fc.constantFrom("---", "---  ", "--- \t", "");
const body = fc.constantFrom("", "Body.", "---\nAfter a rule.", "-----", "A *body*.");

interface Generated {
  source: string;
  draft: boolean;
}

const records: fc.Arbitrary<Generated> = fc
  .record({
    opening,
    draft: fc.boolean(),
    draftLine: draftLines,
    secrets: fc.array(secretLines, { maxLength: 2 }),
    others: fc.array(otherLines, { maxLength: 4 }),
    dashes: fc.array(dashLines, { maxLength: 1 }),
    order: fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
    closing,
    body,
    crlf: fc.boolean(),
  })
  .map((g) => {
    const fields = [
      `title: "${g.draft ? `A draft ${DRAFT}` : "A generated record"}"`,
      "publishedDateTime: 2024-05-02T09:15:00Z",
      'webUrl: "https://example.com/generated"',
      ...(g.draft ? [g.draftLine] : []),
      ...g.secrets,
      ...g.others,
      ...g.dashes,
    ];
    // A shuffle driven by the generated numbers, so that fast-check can shrink it.
    const shuffled = fields
      .map((line, i) => ({ line, key: g.order[i % g.order.length] ?? 0 }))
      .sort((a, b) => a.key - b.key)
      .map(({ line }) => line);
    const lines = [g.opening, ...shuffled, ...(g.closing === "" ? [] : [g.closing]), g.body];
    const source = `${lines.join("\n")}\n`;
    return { source: g.crlf ? source.replace(/\n/g, "\r\n") : source, draft: g.draft };
  });

const parse = (source: string | Uint8Array): ParsedRecord =>
  parseRecord(
    "content/generated.md",
    "generated",
    typeof source === "string" ? new TextEncoder().encode(source) : source,
  );

const site = siteConfig({ ...varsOf(readWranglerConfig("wrangler.toml"), undefined) });
const links = { rss: `${site.origin}/rss.xml`, atom: `${site.origin}/atom.xml`, json: `${site.origin}/feed.json` };

/** Every byte the service could serve of an article: its compiled form and each format. */
function servedBytes(result: ParsedRecord): string {
  if (!result.ok || !result.article) return "";
  const view = feedView(site, { key: "", homeUrl: `${site.origin}/`, links, nav: {}, archive: false }, [
    result.article,
  ]);
  const decoder = new TextDecoder();
  return [
    JSON.stringify(result.article),
    ...Object.values(FORMATS).map((f) => decoder.decode(f.render(view).bytes)),
  ].join("\n");
}

describe("random hostile front matter", () => {
  it("never lets a secured value or a draft's canary reach a compiled article or a feed", () => {
    fc.assert(
      fc.property(records, ({ source }) => {
        const served = servedBytes(parse(source));
        expect(served).not.toContain(SECRET);
        expect(served).not.toContain(DRAFT);
      }),
      { numRuns: 2000 },
    );
  });

  it("is not vacuous: plain records among them build, and drafts are skipped", () => {
    const sample = fc.sample(records, { numRuns: 2000, seed: 12 }).map(({ source, draft }) => ({
      source,
      draft,
      result: parse(source),
    }));
    const built = sample.filter(({ result }) => result.ok && result.article);
    expect(built.length).toBeGreaterThan(20);
    // Some of them carried the secret in a valid `secured:` field, which was dropped.
    expect(built.filter(({ source }) => source.includes(`secured: "${SECRET}"`)).length).toBeGreaterThan(0);
    // A clean draft is recognised as one (not merely refused).
    expect(sample.some(({ draft, result }) => draft && result.ok && result.article === null)).toBe(true);
    // And many are refused, each with a named problem.
    const refused = sample.filter(({ result }) => !result.ok);
    expect(refused.length).toBeGreaterThan(500);
    for (const { result } of refused) {
      if (!result.ok) expect(result.problems.every((p) => p.message.length > 0 && p.file !== "")).toBe(true);
    }
  });

  it("never throws, whatever the bytes", () => {
    const texts = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc
        .array(fc.oneof(dashLines, opening, closing, secretLines, draftLines, otherLines, fc.string()))
        .map((l) => l.join("\n")),
    );
    fc.assert(
      fc.property(fc.oneof(texts, fc.uint8Array({ maxLength: 300 })), (input) => {
        expect(() => parse(input)).not.toThrow();
      }),
      { numRuns: 3000 },
    );
  });
});
