// SQL statements as plain data: bound by the local executor, inlined into SQL files for
// wrangler; one form for both paths, packed many rows a statement within D1's limits.
import { createHash } from "node:crypto";

export type SqlValue = string | number | null;

export interface Statement {
  sql: string;
  params: SqlValue[];
}

/** D1's limit on one statement's text: inlined values count, bound ones do not. */
export const MAX_STATEMENT_BYTES = 100_000;

/** D1's limit on bound parameters per statement. */
export const MAX_PARAMS = 100;

/** A long value is written in pieces of this many UTF-8 bytes: hex-inlined, one fits a statement. */
export const CHUNK_BYTES = 40_000;

export const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

/** Splits text into pieces of at most `bytes` UTF-8 bytes, never inside a character. */
export function utf8Chunks(text: string, bytes = CHUNK_BYTES): string[] {
  const buffer = Buffer.from(text, "utf8");
  const chunks: string[] = [];
  let start = 0;
  while (start < buffer.length) {
    let end = Math.min(start + bytes, buffer.length);
    // Back off continuation bytes (10xxxxxx) so a piece ends on a character boundary.
    while (end < buffer.length && ((buffer[end] as number) & 0xc0) === 0x80) end--;
    chunks.push(buffer.subarray(start, end).toString("utf8"));
    start = end;
  }
  return chunks.length > 0 ? chunks : [""];
}

/** Only these strings are inlined as quoted text: no quote, no `;`, no space, no `/*`. */
const PLAIN_TEXT = /^[A-Za-z0-9._:/@-]*$/;

/**
 * One value as SQL text. Any other string is a hex blob cast to TEXT: wrangler's file
 * reader rewrites `BEGIN TRANSACTION` and `COMMIT;` anywhere in a file, even in a string,
 * and splits on `;`; hex leaves it nothing to misread.
 */
export function literal(value: SqlValue): string {
  if (value === null) return "NULL";
  if (typeof value === "number") return String(value);
  if (PLAIN_TEXT.test(value)) return `'${value}'`;
  return `CAST(X'${Buffer.from(value, "utf8").toString("hex")}' AS TEXT)`;
}

/** The statement with its parameters written in, for `wrangler d1 execute`. */
export function inline({ sql, params }: Statement): string {
  const parts = sql.split("?");
  if (parts.length !== params.length + 1) {
    throw new Error(`statement has ${parts.length - 1} placeholders for ${params.length} values: ${sql}`);
  }
  return parts.reduce((out, part, i) => out + literal(params[i - 1] as SqlValue) + part);
}

/** An upper bound of a value's inlined size in bytes, without building it. */
export const valueBytes = (value: SqlValue): number =>
  typeof value === "string" ? 2 * Buffer.byteLength(value) + 20 : 24;

/**
 * `head VALUES (…), (…) tail` over as few statements as the limits allow. The local
 * simulator spends milliseconds per statement, so rows are packed, not one a statement.
 */
export function packRows(head: string, rows: readonly SqlValue[][], tail = ""): Statement[] {
  const statements: Statement[] = [];
  let params: SqlValue[] = [];
  let tuples: string[] = [];
  let bytes = Buffer.byteLength(head) + Buffer.byteLength(tail) + 16;
  const start = bytes;
  for (const row of rows) {
    const size = row.reduce<number>((sum, value) => sum + valueBytes(value) + 2, 4);
    if (tuples.length > 0 && (params.length + row.length > MAX_PARAMS || bytes + size > MAX_STATEMENT_BYTES)) {
      statements.push({ sql: `${head} VALUES ${tuples.join(", ")}${tail}`, params });
      params = [];
      tuples = [];
      bytes = start;
    }
    params.push(...row);
    tuples.push(`(${row.map(() => "?").join(", ")})`);
    bytes += size;
  }
  if (tuples.length > 0) statements.push({ sql: `${head} VALUES ${tuples.join(", ")}${tail}`, params });
  return statements;
}

/** `head (?, …)` for every MAX_PARAMS values: a DELETE … IN over many ids. */
export function packIn(head: string, values: readonly SqlValue[]): Statement[] {
  const statements: Statement[] = [];
  for (let at = 0; at < values.length; at += MAX_PARAMS) {
    const params = values.slice(at, at + MAX_PARAMS);
    statements.push({ sql: `${head} (${params.map(() => "?").join(", ")})`, params });
  }
  return statements;
}

/** A file for `wrangler d1 execute --file`: statements ended by `;`, no BEGIN/COMMIT (D1 runs it as one). */
export function sqlFile(statements: readonly Statement[]): string {
  return statements.map((statement) => `${inline(statement)};\n`).join("");
}
