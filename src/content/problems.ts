// What the build reports about a record: problems (the build stops) and warnings (it does
// not, unless --strict). Shared by the parsers and the directory walk, which import nothing else.

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

/** In file order, as a writer goes through the folder (Array.prototype.sort is stable). */
export const byFile = (a: Problem, b: Problem) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0);
