// The content folder as the build sees it: which entries are records (the entry rules),
// their ids, and their bytes, read without following a link. No parser is imported here,
// so that a build whose records are all cached never loads one.
import { closeSync, constants, type Dirent, fstatSync, openSync, readdirSync, readSync, type Stats } from "node:fs";
import path from "node:path";
import type { Problem } from "./problems.js";

/** A file larger than this is not a news record; it is rejected before parsing. */
export const MAX_RECORD_BYTES = 1024 * 1024;

export const RECORD_EXTENSION = ".md";
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

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

export interface RecordFile {
  /** The entry's name in the folder, e.g. `001_ab.md`. */
  name: string;
  /** As problems name it, e.g. `content/001_ab.md`. */
  file: string;
  id: string;
  full: string;
}

export interface Listing {
  records: RecordFile[];
  /** Entries that are no record, and file names that make no id (not in file order yet). */
  problems: Problem[];
  warnings: Problem[];
}

/** The records of `dir` in file-name order; every other entry named as a problem or warning. */
export function listRecords(dir: string, displayDir: string): Listing {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const records: RecordFile[] = [];
  const idsSeen = new Map<string, string>();
  // The folder's path once, normalised: path.join for each of 10,000 names cost a one-edit
  // rebuild 8 ms.
  const prefix = path.join(dir, path.sep);
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
    records.push({ name, file, id, full: prefix + name });
  }
  return { records, problems, warnings };
}

/**
 * Reads a record without following a link (the file may have become one since the folder
 * was listed) and without reading more than a record may hold; a string names why not.
 * The status is the open file's, taken before its bytes were read (the build cache's stamp).
 * Synchronous: for thousands of small files, one thread of system calls beats the
 * promise-per-call thread pool, and the bytes are hashed at once.
 */
export function readRecord(full: string): { bytes: Uint8Array; stats: Stats } | string {
  let fd: number | undefined;
  try {
    fd = openSync(full, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const stats = fstatSync(fd);
    if (!stats.isFile()) return "is not a regular file; it is not read";
    if (stats.size > MAX_RECORD_BYTES) return `is larger than ${MAX_RECORD_BYTES} bytes`;
    // One byte more than the size, to see a file that grew since fstat. Not from the
    // shared pool: a pooled view would carry its neighbours to a worker thread.
    let buffer = Buffer.allocUnsafeSlow(Math.min(stats.size, MAX_RECORD_BYTES) + 1);
    let length = 0;
    for (;;) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
      if (length > MAX_RECORD_BYTES) return `is larger than ${MAX_RECORD_BYTES} bytes`;
      if (length === buffer.length) {
        const grown = Buffer.allocUnsafeSlow(Math.min(buffer.length * 2, MAX_RECORD_BYTES + 1));
        buffer.copy(grown, 0, 0, length);
        buffer = grown;
      }
    }
    return { bytes: buffer.subarray(0, length), stats };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ELOOP") return "is a symbolic link, which the build never follows: records must be files";
    return `could not be read (${code ?? String(error)})`;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
