// Writes a large file from its pieces as they lie in memory, atomically: the build's index
// and cache are tens of thousands of JSON pieces, and joining them first (Buffer.concat)
// copied hundreds of megabytes at 100,000 records, to write them once.
import { closeSync, openSync, readSync, renameSync, rmSync, statSync, writeSync, writevSync } from "node:fs";

/** Pieces a writev call takes at most (IOV_MAX on Linux and macOS). */
const IOV_MAX = 1024;

const bytesOf = (part: string | Uint8Array) => (typeof part === "string" ? Buffer.from(part) : part);

/** The total length of the pieces in bytes. */
export const partsLength = (parts: readonly Uint8Array[]) => parts.reduce((sum, part) => sum + part.length, 0);

/** Writes every byte of `parts` at the file's position, however many calls the system needs. */
function writeAll(fd: number, parts: readonly Uint8Array[]): void {
  for (let i = 0; i < parts.length; i += IOV_MAX) {
    const batch = parts.slice(i, i + IOV_MAX);
    let written = writevSync(fd, batch);
    // A short write: the rest of the batch piece by piece.
    for (const part of batch) {
      if (written >= part.length) {
        written -= part.length;
        continue;
      }
      let offset = written;
      written = 0;
      while (offset < part.length) offset += writeSync(fd, part, offset);
    }
  }
}

/** Replaces `file` with the pieces joined, through a temporary file: a build killed half-way leaves the old one. */
export function writeAtomically(file: string, parts: readonly (string | Uint8Array)[]): void {
  const temporary = `${file}.${process.pid}.tmp`;
  const fd = openSync(temporary, "w");
  try {
    writeAll(fd, parts.map(bytesOf));
  } catch (error) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temporary, file);
}

/**
 * Appends the pieces to `file` in one go (O_APPEND). Not atomic: the build cache's segments
 * carry their own length and checksum, so a reader sees a cut one as damaged.
 */
export function appendParts(file: string, parts: readonly Uint8Array[]): void {
  const fd = openSync(file, "a");
  try {
    writeAll(fd, parts);
  } finally {
    closeSync(fd);
  }
}

/**
 * Whether `file` holds exactly the pieces joined. Read a window at a time, and only when
 * its size matches: a large index is not held twice to find it unchanged.
 */
export function holdsParts(file: string, parts: readonly Uint8Array[]): boolean {
  const size = statSync(file, { throwIfNoEntry: false })?.size;
  if (size !== partsLength(parts)) return false;
  const fd = openSync(file, "r");
  try {
    const window = Buffer.allocUnsafe(WINDOW);
    for (const part of parts) {
      for (let offset = 0; offset < part.length; offset += WINDOW) {
        const length = Math.min(WINDOW, part.length - offset);
        if (readFully(fd, window, length) !== length) return false;
        if (!window.subarray(0, length).equals(part.subarray(offset, offset + length))) return false;
      }
    }
    return true;
  } finally {
    closeSync(fd);
  }
}

/** Bytes compared at once. */
const WINDOW = 1 << 20;

/** Reads up to `length` bytes from the file's position; fewer only at its end. */
function readFully(fd: number, into: Buffer, length: number): number {
  let read = 0;
  while (read < length) {
    const got = readSync(fd, into, read, length - read, null);
    if (got === 0) break;
    read += got;
  }
  return read;
}
