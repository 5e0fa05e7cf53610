// Reads the records in a content folder and compiles them into the index the Worker
// imports. Runs in Node at build time only; every problem is collected, none thrown.
import { createHash } from "node:crypto";
import { constants, type Dirent } from "node:fs";
import { type FileHandle, open, readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { type Document, isMap, isNode, isScalar, type LineCounter } from "yaml";
import type { z } from "zod";
import type { Article, ContentIndex } from "./article.js";
import { type UnknownField, unknownFields } from "./fields.js";
import { lineOf, parseYaml, splitRecord, yamlWithLines } from "./frontmatter.js";
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

/** The line of the deepest node that exists along a field path. */
function lineOfPath(doc: Document, fieldPath: readonly PropertyKey[], lineCounter: LineCounter): number | undefined {
  for (let depth = fieldPath.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(fieldPath.slice(0, depth) as unknown[], true);
    if (isNode(node)) return lineOf(node, lineCounter);
  }
  return undefined;
}

/** The line of a key itself (its value may start on the next line). */
function lineOfKey(
  doc: Document,
  fieldPath: readonly (string | number)[],
  lineCounter: LineCounter,
): number | undefined {
  const parent = fieldPath.length === 1 ? doc.contents : doc.getIn(fieldPath.slice(0, -1), true);
  const key = fieldPath[fieldPath.length - 1];
  if (isMap(parent)) {
    const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === String(key));
    if (pair && isNode(pair.key)) return lineOf(pair.key, lineCounter);
  }
  return lineOfPath(doc, fieldPath, lineCounter);
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

function unknownFieldMessage({ suggestion, privacy }: UnknownField): string {
  if (privacy) {
    return `unknown field; did you mean \`${suggestion}\`? A misspelt \`${suggestion}\` is an error, not a warning: the record could otherwise be published by mistake`;
  }
  return suggestion ? `unknown field (ignored); did you mean \`${suggestion}\`?` : "unknown field (ignored)";
}

/** Unknown keys: privacy near-misses as errors, the rest as warnings, each at its line. */
function fieldProblems(file: string, yaml: string, data: unknown): { errors: Problem[]; warnings: Problem[] } {
  const unknown = unknownFields(data);
  const errors: Problem[] = [];
  const warnings: Problem[] = [];
  if (unknown.length === 0) return { errors, warnings };
  const lines = yamlWithLines(yaml);
  for (const field of unknown) {
    const problem: Problem = {
      file,
      line: lines && lineOfKey(lines.doc, field.path, lines.lineCounter),
      field: formatFieldPath(field.path),
      message: unknownFieldMessage(field),
    };
    if (field.privacy) errors.push(problem);
    else warnings.push({ ...problem, severity: "warning" });
  }
  return { errors, warnings };
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

const byLine = (a: Problem, b: Problem) => (a.line ?? 0) - (b.line ?? 0);

/**
 * Parses one record. `article` is null for a draft: drafts are validated like any
 * record but never compiled, so they cannot reach the bundle or a response. Never throws:
 * whatever the bytes, the answer is an article, a draft or named problems.
 */
export function parseRecord(file: string, id: string, bytes: Uint8Array): ParsedRecord {
  const warnings: Problem[] = [];
  const warn: Warn = (warning) => warnings.push({ file, ...warning, severity: "warning" });
  const failed = (problems: Problem[]): ParsedRecord => ({ ok: false, problems: problems.sort(byLine), warnings });
  try {
    if (bytes.byteLength > MAX_RECORD_BYTES) {
      throw new RecordError(`is larger than ${MAX_RECORD_BYTES} bytes`);
    }
    const source = decode(bytes).replace(/\r\n?/g, "\n");
    const split = splitRecord(source);
    if (!split.ok) return failed(split.problems.map((problem) => ({ file, field: "", ...problem })));
    if (split.body.length > LIMITS.body) {
      throw new RecordError(`body: must be at most ${LIMITS.body} characters`, split.bodyLine);
    }
    const yaml = parseYaml(split.yaml);
    if (!yaml.ok) return failed([{ file, field: "", ...yaml.problem }]);
    // An empty front matter is an empty record (then every required field is named).
    const data = yaml.data ?? {};
    const fields = fieldProblems(file, split.yaml, data);
    warnings.push(...fields.warnings);
    const result = ArticleRecord.safeParse(data);
    if (!result.success) {
      // Only a record with problems pays for the parse that knows lines.
      const lines = yamlWithLines(split.yaml);
      const problems = result.error.issues.map((issue) => ({
        file,
        line: lines && lineOfPath(lines.doc, issue.path, lines.lineCounter),
        field: formatFieldPath(issue.path),
        message: issueMessage(issue),
      }));
      // In the order a writer reads the file (the sort is stable for equal lines).
      return failed([...fields.errors, ...problems]);
    }
    if (fields.errors.length > 0) return failed(fields.errors);
    if (!result.data.published) return { ok: true, article: null, warnings };
    return { ok: true, article: normalise(id, result.data, split.body, warn), warnings };
  } catch (error) {
    // A record never stops the build with a stack trace: an unexpected failure is its problem.
    const line = error instanceof RecordError ? error.line : undefined;
    const message = error instanceof RecordError ? error.message : `could not be read: ${String(error)}`;
    return failed([{ file, line, field: "", message }]);
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

/** Files read ahead of parsing: enough to keep the disk busy, few enough to bound memory. */
const READ_AHEAD = 64;

type Entry = Pick<Dirent, "name" | "isFile" | "isDirectory" | "isSymbolicLink">;

/**
 * What the build makes of a folder entry that is not a record it reads: every one is named.
 * Links are never followed (a link may point anywhere outside the content folder).
 */
export function entryProblem(entry: Entry, file: string): Problem | undefined {
  if (entry.isSymbolicLink()) {
    return { file, field: "", message: "is a symbolic link, which the build never follows: records must be files" };
  }
  if (entry.isDirectory()) {
    return {
      file,
      field: "",
      message: "is a folder, which the build does not read: records sit directly in the content folder",
      severity: "warning",
    };
  }
  if (!entry.isFile()) return { file, field: "", message: "is not a regular file; it is not read" };
  // Editors' and systems' hidden files (`.DS_Store`, `.x.md.swp`) are no record, and no mistake.
  if (entry.name.startsWith(".")) {
    return { file, field: "", message: "is a hidden file, which the build does not read", severity: "warning" };
  }
  if (!entry.name.endsWith(RECORD_EXTENSION)) {
    return { file, field: "", message: `is not a record: records are ${RECORD_EXTENSION} files` };
  }
  return undefined;
}

/**
 * Reads a record without following a link (the file may have become one since the folder
 * was listed) and without reading more than a record may hold.
 */
async function readRecord(full: string): Promise<Uint8Array | string> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(full, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const stats = await handle.stat();
    if (!stats.isFile()) return "is not a regular file; it is not read";
    if (stats.size > MAX_RECORD_BYTES) return `is larger than ${MAX_RECORD_BYTES} bytes`;
    return await handle.readFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ELOOP") return "is a symbolic link, which the build never follows: records must be files";
    return `could not be read (${code ?? String(error)})`;
  } finally {
    await handle?.close();
  }
}

/** Compiles every record under `dir`; `displayDir` is how files are named in problems. */
export async function compileDirectory(dir: string, displayDir = path.basename(dir)): Promise<CompileResult> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const articles: Article[] = [];
  const idsSeen = new Map<string, string>();
  const records: { file: string; id: string; full: string }[] = [];
  let drafts = 0;

  for (const entry of entries) {
    const { name } = entry;
    const file = `${displayDir}/${name}`;
    const skipped = entryProblem(entry, file);
    if (skipped) {
      (skipped.severity === "warning" ? warnings : problems).push(skipped);
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
  const reads: (Promise<Uint8Array | string> | undefined)[] = records
    .slice(0, READ_AHEAD)
    .map((record) => readRecord(record.full));
  for (const [i, record] of records.entries()) {
    const bytes = (await reads[i]) as Uint8Array | string;
    reads[i] = undefined;
    const ahead = records[i + READ_AHEAD];
    if (ahead) reads.push(readRecord(ahead.full));
    if (typeof bytes === "string") {
      problems.push({ file: record.file, field: "", message: bytes });
      continue;
    }
    const parsed = parseRecord(record.file, record.id, bytes);
    warnings.push(...parsed.warnings);
    if (!parsed.ok) problems.push(...parsed.problems);
    else if (parsed.article) articles.push(parsed.article);
    else drafts++;
  }
  // Problems in file order, as a writer goes through the folder (the sort is stable).
  const byFile = (a: Problem, b: Problem) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0);
  problems.sort(byFile);
  warnings.sort(byFile);

  articles.sort(compareArticles);
  return { index: { version: contentVersion(articles), articles }, problems, warnings, drafts };
}
