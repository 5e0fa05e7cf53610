// Finds the keys a record carries that the schema does not know, and what the writer
// probably meant. The known fields are read off the zod schema, so there is no second list.
import type { z } from "zod";
import { ArticleRecord } from "./schema.js";

/** The keys of an object schema, each with its own object's keys (for nested objects). */
export type FieldTree = ReadonlyMap<string, FieldTree | undefined>;

/** The object shape under a schema, through optional, default, arrays and transforms. */
export function fieldTree(schema: z.core.$ZodType): FieldTree | undefined {
  const def = schema._zod.def as unknown as {
    type: string;
    shape?: Record<string, z.core.$ZodType>;
    innerType?: z.core.$ZodType;
    element?: z.core.$ZodType;
    in?: z.core.$ZodType;
  };
  switch (def.type) {
    case "object":
      return new Map(Object.entries(def.shape ?? {}).map(([key, value]) => [key, fieldTree(value)]));
    case "optional":
    case "default":
    case "prefault":
    case "nullable":
    case "readonly":
    case "catch":
      return def.innerType && fieldTree(def.innerType);
    case "array":
      return def.element && fieldTree(def.element);
    case "pipe":
      return def.in && fieldTree(def.in);
    default:
      return undefined;
  }
}

export const RECORD_FIELDS = fieldTree(ArticleRecord) as FieldTree;

/**
 * Top-level fields whose misspelling could publish what should stay private: a near-miss
 * of one of them is an error, not a warning.
 */
export const PRIVACY_FIELDS: ReadonlySet<string> = new Set(["published", "secured"]);

/** Words writers use for a known field that no edit distance finds. */
const SYNONYMS: Readonly<Record<string, string>> = {
  draft: "published",
  publish: "published",
  hidden: "published",
  private: "secured",
  secret: "secured",
  summary: "excerpt",
  description: "excerpt",
  tags: "topics",
  url: "webUrl",
  link: "webUrl",
  date: "publishedDateTime",
  image: "images",
  author: "provider",
  source: "provider",
};

/** Optimal string alignment distance: edits, with a swap of two neighbours counted once. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    const above = rows[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row[j] = best;
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/** The known field an unknown key most likely means, if any. */
export function nearMiss(key: string, known: Iterable<string>): string | undefined {
  const folded = key.toLowerCase();
  const names = [...known];
  const synonym = SYNONYMS[folded];
  if (synonym && names.includes(synonym)) return synonym;
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const distance = editDistance(folded, name.toLowerCase());
    // Two edits, but never most of a short word ("id" is not "heat").
    if (distance > 2 || distance >= Math.min(folded.length, name.length)) continue;
    if (!best || distance < best.distance) best = { name, distance };
  }
  return best?.name;
}

export interface UnknownField {
  /** Where the key is, e.g. `["provider", "url"]` or `["images", 0, "alt"]`. */
  path: (string | number)[];
  suggestion?: string;
  /** A near-miss of `published` or `secured` at the top level. */
  privacy: boolean;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);

/** Every key of `data`, at any depth the schema describes, that the schema does not know. */
export function unknownFields(data: unknown, tree: FieldTree = RECORD_FIELDS): UnknownField[] {
  const found: UnknownField[] = [];
  const walk = (value: unknown, fields: FieldTree, at: (string | number)[]) => {
    if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) walk(item, fields, [...at, i]);
      return;
    }
    if (!isObject(value)) return;
    for (const [key, child] of Object.entries(value)) {
      if (fields.has(key)) {
        const nested = fields.get(key);
        if (nested) walk(child, nested, [...at, key]);
        continue;
      }
      const suggestion = nearMiss(key, fields.keys());
      const privacy = at.length === 0 && suggestion !== undefined && PRIVACY_FIELDS.has(suggestion);
      found.push({ path: [...at, key], suggestion, privacy });
    }
  };
  walk(data, tree, []);
  return found;
}
