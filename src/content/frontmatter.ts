// Splits a record into its YAML front matter and its Markdown body, and reads the YAML
// strictly. Our own delimiter scan, not gray-matter's: gray-matter ends the front matter at
// the first "\n---" substring, so a line such as `-----` or `---x` ended it early and the
// fields below it (`published: false`, `secured: …`) became a published body; and it
// evaluates `---js` front matter unless every engine is replaced.
import jsYaml from "js-yaml";
import { type Document, isAlias, isNode, isPair, isScalar, LineCounter, parseDocument, visit } from "yaml";

/** A problem in the record's text, at a line of the file. */
export interface SourceProblem {
  line?: number;
  message: string;
}

export type SplitRecord =
  | {
      ok: true;
      /** The front matter with the opening line blanked, so its line numbers are the file's. */
      yaml: string;
      body: string;
      /** The file's line where the body starts. */
      bodyLine: number;
    }
  | { ok: false; problems: SourceProblem[] };

/** An opening or closing line: `---`, or `---yaml` to open, trailing spaces and tabs allowed. */
const OPENING = /^---(?:yaml)?[ \t]*$/;
const CLOSING = /^---[ \t]*$/;
const LANGUAGES: Record<string, string> = { js: "JavaScript", javascript: "JavaScript", json: "JSON" };

function openingProblem(line: string): string {
  const marker = line.slice(3).trim();
  const language = LANGUAGES[marker];
  if (language) return `front matter must be YAML, not ${language} (it is never evaluated)`;
  return `front matter must open with a line of exactly \`---\`, not \`${line.trim()}\` (only YAML is read, and nothing may follow the dashes)`;
}

/**
 * The front matter runs from a first line `---` to the first line that is exactly `---`.
 * Any other line starting with `---` inside it is an error: a writer who meant it as the
 * end would otherwise see the fields after it vanish, or published.
 */
export function splitRecord(source: string): SplitRecord {
  const lines = source.split("\n");
  const first = lines[0] ?? "";
  if (!first.startsWith("---")) {
    return {
      ok: false,
      problems: [{ line: 1, message: "must start with a `---` line opening the YAML front matter" }],
    };
  }
  if (!OPENING.test(first)) return { ok: false, problems: [{ line: 1, message: openingProblem(first) }] };
  const problems: SourceProblem[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (!line.startsWith("---")) continue;
    if (CLOSING.test(line)) {
      if (problems.length > 0) return { ok: false, problems };
      return {
        ok: true,
        yaml: `\n${lines.slice(1, i).join("\n")}`,
        body: lines.slice(i + 1).join("\n"),
        bodyLine: i + 2,
      };
    }
    problems.push({
      line: i + 1,
      message: `a line starting with \`---\` inside the front matter (\`${truncate(line)}\`): only a line of exactly \`---\` ends it; indent or quote it if it is a value`,
    });
  }
  problems.push({ line: 1, message: "front matter is not closed by a `---` line" });
  return { ok: false, problems };
}

const truncate = (line: string) => (line.length > 40 ? `${line.slice(0, 40)}…` : line.trimEnd());

/** A YAML problem; thrown inside this module only, returned to callers. */
class YamlProblem extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

export function lineOf(node: { range?: readonly number[] | null }, lineCounter: LineCounter): number | undefined {
  const start = node.range?.[0];
  return start === undefined ? undefined : lineCounter.linePos(start).line;
}

/** A tag as the writer spelt it: the last `!` token before the value on its line. */
function writtenTag(source: string, node: { tag?: string; range?: readonly number[] | null }): string {
  const start = node.range?.[0] ?? 0;
  const before = source.slice(source.lastIndexOf("\n", start - 1) + 1, start);
  return before.match(/(![^\s]*)\s*$/)?.[1] ?? String(node.tag);
}

/**
 * Parses front matter as YAML 1.2 (core schema: timestamps stay strings) with the `yaml`
 * package, which reports line numbers. Refused before anything is used: anchors and
 * aliases (expansion bombs), merge keys (`<<` would smuggle fields in, e.g. a
 * `published: false` that YAML 1.1 readers honour and we would not), and explicit tags
 * (`!!binary`, `!!js/function`, `!foo`), which other readers turn into objects or code.
 */
export function parseYamlDocument(source: string, lineCounter: LineCounter): Document {
  const doc = parseDocument(source, { lineCounter, uniqueKeys: true, prettyErrors: true });
  const [error] = doc.errors;
  if (error) {
    const message = error.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "");
    throw new YamlProblem(`invalid YAML: ${message}`, error.linePos?.[0].line);
  }
  visit(doc, (_key, node) => {
    if (isAlias(node)) {
      throw new YamlProblem(`YAML aliases (*${node.source}) are not allowed`, lineOf(node, lineCounter));
    }
    if (isPair(node) && isScalar(node.key) && node.key.value === "<<") {
      throw new YamlProblem(
        "YAML merge keys (`<<`) are not allowed: write each field out",
        lineOf(node.key, lineCounter),
      );
    }
    if (!isNode(node)) return;
    if (node.anchor) {
      throw new YamlProblem(`YAML anchors (&${node.anchor}) are not allowed`, lineOf(node, lineCounter));
    }
    if (node.tag) {
      throw new YamlProblem(
        `YAML tags (${writtenTag(source, node)}) are not allowed: write a plain or quoted value`,
        lineOf(node, lineCounter),
      );
    }
  });
  return doc;
}

/**
 * A token that may start an anchor, alias, tag or merge key: after a line start, a space,
 * `[`, `{` or `,`. ("R&D" or "Wow!" in a title is none; a false alarm costs the slower parser.)
 */
const NEEDS_PRECISE_PARSER = /(?:^|[\s[{,])(?:[&*!]|<<)|["']<<["']/;

export type ParsedYaml = { ok: true; data: unknown } | { ok: false; problem: SourceProblem };

/**
 * Reads the front matter. js-yaml reads the same core schema about ten times faster, for the
 * common case; a record that may hold something refused, or that js-yaml rejects, takes
 * the `yaml` path, so its errors read the same and carry a line.
 */
export function parseYaml(source: string): ParsedYaml {
  if (!NEEDS_PRECISE_PARSER.test(source)) {
    try {
      return { ok: true, data: jsYaml.load(source, { schema: jsYaml.CORE_SCHEMA }) };
    } catch {
      // Fall through: the precise parser names the problem and its line.
    }
  }
  try {
    return { ok: true, data: parseYamlDocument(source, new LineCounter()).toJS() };
  } catch (error) {
    if (error instanceof YamlProblem) return { ok: false, problem: { line: error.line, message: error.message } };
    // The parser's own failure is still this record's problem, never a stack trace.
    return { ok: false, problem: { line: 1, message: `invalid YAML: ${(error as Error).message}` } };
  }
}

/** The Document with line numbers, for records whose problems need them. */
export function yamlWithLines(source: string): { doc: Document; lineCounter: LineCounter } | undefined {
  const lineCounter = new LineCounter();
  try {
    return { doc: parseYamlDocument(source, lineCounter), lineCounter };
  } catch {
    return undefined;
  }
}
