// Query parameters of feed requests, parsed through one zod schema. Unknown parameters
// are ignored; a known one given twice, or with a bad value, is a 400 naming it.
import { z } from "zod";
import type { Position } from "../store/store.js";
import { HttpProblem, type InvalidParam } from "./problem.js";

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const slug = z
  .string()
  .max(200, "must be at most 200 characters")
  .transform((value) => value.normalize("NFC"))
  .refine(
    (value) => /^[\p{Ll}\p{Lo}\p{N}]+(-[\p{Ll}\p{Lo}\p{N}]+)*$/u.test(value),
    "must be a slug such as ai-in-healthcare",
  );

/**
 * A page's position in a feed, as `<published ms>.<article id>`: the page lists the
 * articles after that one. Keyset paging, so page N costs what page 1 does and a page
 * does not shift when new articles arrive.
 */
const cursor = z
  .string()
  .max(230, "must be at most 230 characters")
  .regex(/^-?\d{1,16}\.[A-Za-z0-9][A-Za-z0-9._-]*$/, "must be a position from a next or previous link")
  .transform((value): Position => {
    const dot = value.indexOf(".");
    return { publishedMs: Number(value.slice(0, dot)), id: value.slice(dot + 1) };
  });

export const formatCursor = ({ publishedMs, id }: Position) => `${publishedMs}.${id}`;

/** The parameters in canonical order: the order they take in every URL the service writes. */
const FeedQuery = z.object({
  topic: slug.optional(),
  provider: slug.optional(),
  category: slug.optional(),
  type: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,49}$/, "must be a lower-case type such as article")
    .optional(),
  minQuality: wholeNumber(0, 100).optional(),
  limit: wholeNumber(1, MAX_LIMIT).default(DEFAULT_LIMIT),
  before: cursor.optional(),
});

export type FeedQuery = z.output<typeof FeedQuery>;

const KNOWN = Object.keys(FeedQuery.shape) as (keyof FeedQuery)[];

export function badRequest(invalidParams: InvalidParam[]): HttpProblem {
  const names = invalidParams.map((param) => param.name).join(", ");
  return new HttpProblem(400, "Bad Request", `Invalid query parameter: ${names}.`, { invalidParams });
}

export function parseFeedQuery(params: URLSearchParams): FeedQuery {
  const input: Record<string, string> = {};
  const invalidParams: InvalidParam[] = [];
  for (const name of KNOWN) {
    const values = params.getAll(name);
    if (values.length > 1) invalidParams.push({ name, reason: "must be given once" });
    else if (values[0] !== undefined) input[name] = values[0];
  }
  const result = FeedQuery.safeParse(input);
  if (!result.success) {
    for (const issue of result.error.issues) invalidParams.push({ name: issue.path.join("."), reason: issue.message });
  }
  if (invalidParams.length > 0 || !result.success) throw badRequest(invalidParams);
  return result.data;
}

/**
 * The known parameters in a fixed order, defaults left out: the same view always has
 * the same URL, whatever order or extra parameters a client sent. `before` and `limit`
 * can be left out to name the view rather than one page of it.
 */
export function canonicalSearch(query: Partial<FeedQuery>): string {
  const params = new URLSearchParams();
  for (const name of KNOWN) {
    const value = query[name];
    if (value === undefined || (name === "limit" && value === DEFAULT_LIMIT)) continue;
    params.set(name, typeof value === "object" ? formatCursor(value) : String(value));
  }
  const search = params.toString();
  return search ? `?${search}` : "";
}
