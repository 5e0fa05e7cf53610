// Reads the records in a content folder and compiles them into the index the Worker
// imports. Runs in Node at build time only; every problem is collected, none thrown.
import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import matter from "gray-matter";
import jsYaml from "js-yaml";
import { type Document, isAlias, isNode, LineCounter, parseDocument, visit } from "yaml";
import type { z } from "zod";
import type { Article, ContentIndex } from "./article.js";
import { normalise } from "./normalise.js";
import { compareArticles } from "./order.js";
import { ArticleRecord, LIMITS } from "./schema.js";

/** A file larger than this is not a news record; it is rejected before parsing. */
export const MAX_RECORD_BYTES = 1024 * 1024;

const RECORD_EXTENSION = ".md";
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export interface Problem {
  /** The file as the writer knows it, e.g. `content/001_ab.md`. */
  file: string;
  line?: number;
  /** The field path, e.g. `images[0].url`; empty for the file as a whole. */
  field: string;
  message: string;
  /** A warning names a slip that does not stop the build (`--strict` makes it fail); absent, an error. */
  severity?: "warning";
}

/** Reports a warning about the record being compiled; the caller adds the file. */
export type Warn = (warning: { field: string; message: string; line?: number }) => void;

export function formatProblem({ file, line, field, message }: Problem): string {
  const where = line === undefined ? file : `${file}:${line}`;
  return field ? `${where}: ${field}: ${message}` : `${where}: ${message}`;
}

export type ParsedRecord =
  | { ok: true; article: Article | null; warnings: Problem[] }
  | { ok: false; problems: Problem[]; warnings: Problem[] };

class RecordError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

const rejectLanguage = (language: string) => () => {
  throw new RecordError(`front matter must be YAML, not ${language} (it is never evaluated)`, 1);
};

/**
 * Parses front matter as YAML 1.2 (core schema: timestamps stay strings) with the `yaml`
 * package, which reports line numbers and lets us refuse anchors and aliases before
 * anything is expanded. Returns the Document, so that schema errors map to lines.
 */
function parseYamlDocument(source: string, lineCounter: LineCounter): Document {
  const doc = parseDocument(source, { lineCounter, uniqueKeys: true, prettyErrors: true });
  const [error] = doc.errors;
  if (error) {
    const message = error.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "");
    throw new RecordError(`invalid YAML: ${message}`, error.linePos?.[0].line);
  }
  visit(doc, (_key, node) => {
    if (isAlias(node)) {
      throw new RecordError(`YAML aliases (*${node.source}) are not allowed`, lineOf(node, lineCounter));
    }
    if (isNode(node) && node.anchor) {
      throw new RecordError(`YAML anchors (&${node.anchor}) are not allowed`, lineOf(node, lineCounter));
    }
  });
  return doc;
}

/**
 * The same YAML 1.2 core schema read by js-yaml, about ten times faster, for the common
 * case. Without a token starting with `&` or `*` there can be no anchor or alias; a
 * record with one, or one js-yaml rejects, takes the `yaml` path so its errors read the same.
 */
function parseYaml(source: string): unknown {
  // An anchor or alias starts a token: after a line start, a space, `[`, `{` or `,`.
  // ("R&D" in a title is neither; a false alarm only costs the slower parser.)
  if (!/(?:^|[\s[{,])[&*]/.test(source)) {
    try {
      return jsYaml.load(source, { schema: jsYaml.CORE_SCHEMA });
    } catch {
      // Fall through: the precise parser names the problem and its line.
    }
  }
  return parseYamlDocument(source, new LineCounter()).toJS();
}

function lineOf(node: { range?: readonly number[] | null }, lineCounter: LineCounter): number | undefined {
  const start = node.range?.[0];
  return start === undefined ? undefined : lineCounter.linePos(start).line;
}

/** The line of the deepest node that exists along a field path. */
function lineOfPath(doc: Document, fieldPath: readonly PropertyKey[], lineCounter: LineCounter): number | undefined {
  for (let depth = fieldPath.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(fieldPath.slice(0, depth) as unknown[], true);
    if (isNode(node)) return lineOf(node, lineCounter);
  }
  return undefined;
}

export function formatFieldPath(fieldPath: readonly PropertyKey[]): string {
  return fieldPath.reduce<string>(
    (out, key) => (typeof key === "number" ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
    "",
  );
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type" && issue.message.endsWith("received undefined")) return "is required";
  return issue.message.replace(/^Invalid input: /, "");
}

function decode(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    throw new RecordError("starts with a byte order mark; save it as UTF-8 without BOM");
  }
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new RecordError("is not valid UTF-8");
  }
}

/**
 * Parses one record. `article` is null for a draft: drafts are validated like any
 * record but never compiled, so they cannot reach the bundle or a response.
 */
export function parseRecord(file: string, id: string, bytes: Uint8Array): ParsedRecord {
  let yamlSource = "";
  const warnings: Problem[] = [];
  const warn: Warn = (warning) => warnings.push({ file, ...warning, severity: "warning" });
  try {
    if (bytes.byteLength > MAX_RECORD_BYTES) {
      throw new RecordError(`is larger than ${MAX_RECORD_BYTES} bytes`);
    }
    const source = decode(bytes).replace(/\r\n?/g, "\n");
    if (!/^---[^\n]*\n/.test(source)) {
      throw new RecordError("must start with a `---` line opening the YAML front matter", 1);
    }
    if (!/\n---[ \t]*(\n|$)/.test(source.slice(source.indexOf("\n")))) {
      throw new RecordError("front matter is not closed by a `---` line", 1);
    }
    const parsed = matter(source, {
      // Options are always passed, which also keeps gray-matter's shared cache out.
      language: "yaml",
      engines: {
        yaml: (text: string) => {
          // gray-matter hands over the block from the end of the `---` line on, so
          // the YAML's line numbers are already the file's.
          yamlSource = text;
          return parseYaml(text) as object;
        },
        js: rejectLanguage("JavaScript"),
        javascript: rejectLanguage("JavaScript"),
        json: rejectLanguage("JSON"),
      },
    });
    if (parsed.content.length > LIMITS.body) {
      const bodyLine = source.slice(0, source.length - parsed.content.length).split("\n").length;
      throw new RecordError(`body: must be at most ${LIMITS.body} characters`, bodyLine);
    }
    const result = ArticleRecord.safeParse(parsed.data);
    if (!result.success) {
      // Only a record with problems pays for the parse that knows lines.
      const lineCounter = new LineCounter();
      const doc = yamlSource ? parseYamlDocument(yamlSource, lineCounter) : undefined;
      const problems = result.error.issues.map((issue) => ({
        file,
        line: doc && lineOfPath(doc, issue.path, lineCounter),
        field: formatFieldPath(issue.path),
        message: issueMessage(issue),
      }));
      // In the order a writer reads the file (the sort is stable for equal lines).
      problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
      return { ok: false, problems, warnings };
    }
    if (!result.data.published) return { ok: true, article: null, warnings };
    return { ok: true, article: normalise(id, result.data, parsed.content, warn), warnings };
  } catch (error) {
    if (error instanceof RecordError) {
      return { ok: false, problems: [{ file, line: error.line, field: "", message: error.message }], warnings };
    }
    throw error;
  }
}

export function contentVersion(articles: readonly Article[]): string {
  return createHash("sha256").update(JSON.stringify(articles)).digest("hex").slice(0, 16);
}

/** Folds the source files under `dir` (the generated index excepted) into a content version. */
export async function sourceVersion(content: string, dir: string): Promise<string> {
  const hash = createHash("sha256").update(content);
  const files = (await readdir(dir, { recursive: true })).filter((file) => !file.includes("generated")).sort();
  for (const file of files) {
    const full = path.join(dir, file);
    if ((await stat(full)).isFile()) hash.update(file).update(await readFile(full));
  }
  return hash.digest("hex").slice(0, 16);
}

export interface CompileResult {
  index: ContentIndex;
  problems: Problem[];
  /** Slips that do not stop the build, in file order. */
  warnings: Problem[];
  drafts: number;
}

/** Compiles every record under `dir`; `displayDir` is how files are named in problems. */
/** Files read ahead of parsing: enough to keep the disk busy, few enough to bound memory. */
const READ_AHEAD = 64;

export async function compileDirectory(dir: string, displayDir = path.basename(dir)): Promise<CompileResult> {
  const entries = (await readdir(dir, { withFileTypes: true }))
    .filter((entry) => entry.isFile() && !entry.name.startsWith("."))
    .map((entry) => entry.name)
    .sort();
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const articles: Article[] = [];
  const idsSeen = new Map<string, string>();
  const records: { file: string; id: string; full: string }[] = [];
  let drafts = 0;

  for (const name of entries) {
    const file = `${displayDir}/${name}`;
    if (!name.endsWith(RECORD_EXTENSION)) {
      problems.push({ file, field: "", message: `is not a record: records are ${RECORD_EXTENSION} files` });
      continue;
    }
    const id = name.slice(0, -RECORD_EXTENSION.length);
    if (!ID_PATTERN.test(id)) {
      problems.push({ file, field: "", message: "file name must use only letters, digits, '.', '_' and '-'" });
      continue;
    }
    // Case-insensitive: two such files collide on case-insensitive file systems.
    const clash = idsSeen.get(id.toLowerCase());
    if (clash) {
      problems.push({ file, field: "", message: `duplicate id: ${clash} has the same id` });
      continue;
    }
    idsSeen.set(id.toLowerCase(), file);
    records.push({ file, id, full: path.join(dir, name) });
  }

  // Reads run ahead in a bounded window while parsing proceeds in file order.
  const reads: (Promise<Uint8Array> | undefined)[] = records
    .slice(0, READ_AHEAD)
    .map((record) => readFile(record.full));
  for (const [i, record] of records.entries()) {
    const bytes = (await reads[i]) as Uint8Array;
    reads[i] = undefined;
    const ahead = records[i + READ_AHEAD];
    if (ahead) reads.push(readFile(ahead.full));
    const parsed = parseRecord(record.file, record.id, bytes);
    warnings.push(...parsed.warnings);
    if (!parsed.ok) problems.push(...parsed.problems);
    else if (parsed.article) articles.push(parsed.article);
    else drafts++;
  }
  // Problems in file order, as a writer goes through the folder.
  problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));

  articles.sort(compareArticles);
  return { index: { version: contentVersion(articles), articles }, problems, warnings, drafts };
}
