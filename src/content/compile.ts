// Compiles one record: its bytes to an article, a draft or named problems. Runs in Node
// at build time only (in the build's process or a worker thread); every problem is
// collected, none thrown. The folder walk and the cache are src/content/incremental.ts.
import { hash } from "node:crypto";
import { type Document, isMap, isNode, isScalar, type LineCounter } from "yaml";
import type { z } from "zod";
import type { Article } from "./article.js";
import { type UnknownField, unknownFields } from "./fields.js";
import { MAX_RECORD_BYTES, readRecord } from "./folder.js";
import { lineOf, parseYaml, splitRecord, yamlWithLines } from "./frontmatter.js";
import type { CompiledFile, CompileJob } from "./incremental.js";
import { normalise } from "./normalise.js";
import type { Problem, Warn } from "./problems.js";
import { type CachedRecord, contentHash, encodeFacets, facetsDigest, stampOf } from "./record-cache.js";
import { ArticleRecord, LIMITS } from "./schema.js";
import { searchableText, textTokens } from "./tokens.js";

export { entryProblem, MAX_RECORD_BYTES } from "./folder.js";
export { type CompileOptions, type CompileResult, compileDirectory } from "./incremental.js";
export { formatProblem, type Problem, type Warn } from "./problems.js";

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

/**
 * One record as the build and its cache keep it: the article's JSON as the index holds it,
 * with what the folder-wide steps read of it (order, terms, keyword tokens).
 */
export function compileRecord(file: string, id: string, bytes: Uint8Array): CachedRecord {
  const parsed = parseRecord(file, id, bytes);
  if (!parsed.ok) return { kind: "failed", problems: parsed.problems, warnings: parsed.warnings };
  const { article, warnings } = parsed;
  if (!article) return { kind: "draft", warnings };
  const { topics, category, provider } = article;
  const json = JSON.stringify(article);
  const facets = encodeFacets({
    tokens: textTokens(searchableText(article)).join(" "),
    terms: { topics, category, provider: provider && { name: provider.name, slug: provider.slug } },
  });
  return {
    kind: "article",
    warnings,
    json,
    digest: hash("sha256", json, "base64url"),
    publishedMs: article.publishedMs,
    facets,
    facetsDigest: facetsDigest(facets),
  };
}

/**
 * Reads and compiles one record file, where it is compiled (a worker thread, or the build's
 * own): the build never holds a folder's bytes at once, nor copies them between threads.
 */
export function compileFile({ file, id, full }: CompileJob): CompiledFile {
  const read = readRecord(full);
  if (typeof read === "string") return { unread: read };
  const { bytes, stats } = read;
  return { record: compileRecord(file, id, bytes), hash: contentHash(bytes), stamp: stampOf(stats) };
}
