// Query parameters of feed requests, parsed through one zod schema. Unknown parameters
// are ignored; a known one given twice, or with a bad value, is a 400 naming it.
import { z } from "zod";
import { isSlug, SLUG_MAX } from "../content/slug.js";
import { words } from "../content/tokens.js";
import type { Position } from "../store/store.js";
import { HttpProblem, type InvalidParam } from "./problem.js";

/** The page size when PAGE_SIZE is not set (src/config.ts). */
export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

/** A term's slug as the service writes it (src/content/slug.ts); NFC, so a decomposed spelling finds it too. */
const slug = z
  .string()
  .max(SLUG_MAX, `must be at most ${SLUG_MAX} characters`)
  .transform((value) => value.normalize("NFC"))
  .refine(isSlug, "must be a slug such as ai-in-healthcare");

/** Most words a keyword parameter may hold: each one is an index lookup. */
export const MAX_WORDS = 10;

/**
 * `q` and `exclude`: words, folded (src/content/tokens.ts), distinct and sorted, so that
 * `q=Quantum%20AI` and `q=ai+quantum` are one view with one cache key.
 */
const keywords = z
  .string()
  .max(200, "must be at most 200 characters")
  .transform((value) => [...new Set(words(value))].sort())
  .refine((list) => list.length > 0, "must hold at least one word")
  .refine((list) => list.length <= MAX_WORDS, `must hold at most ${MAX_WORDS} words`);

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
  q: keywords.optional(),
  exclude: keywords.optional(),
  /** Absent: the site's page size (PAGE_SIZE), so that `?limit=<page size>` names the same view. */
  limit: wholeNumber(1, MAX_LIMIT).optional(),
  before: cursor.optional(),
});

export type FeedQuery = z.output<typeof FeedQuery>;

const KNOWN = Object.keys(FeedQuery.shape) as (keyof FeedQuery)[];

export function badRequest(invalidParams: InvalidParam[]): HttpProblem {
  const names = invalidParams.map((param) => param.name).join(", ");
  return new HttpProblem(400, "Bad Request", `Invalid query parameter: ${names}.`, { invalidParams });
}

export function parseFeedQuery(params: URLSearchParams, pageSize = DEFAULT_LIMIT): FeedQuery {
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
  return result.data.limit === pageSize ? { ...result.data, limit: undefined } : result.data;
}

/**
 * The known parameters in a fixed order, absent ones left out: the same view always has
 * the same URL, whatever order or extra parameters a client sent. `before` and `limit`
 * can be left out to name the view rather than one page of it.
 */
export function canonicalSearch(query: Partial<FeedQuery>): string {
  let search = "";
  for (const name of KNOWN) {
    const value = query[name];
    if (value === undefined) continue;
    const text = Array.isArray(value)
      ? value.join(" ")
      : typeof value === "object"
        ? formatCursor(value)
        : String(value);
    search += `${search ? "&" : "?"}${name}=${formValue(text)}`;
  }
  return search;
}

/** Characters the form encoding (WHATWG URL, application/x-www-form-urlencoded) writes as they are, and the space. */
const FORM_PLAIN = /^[A-Za-z0-9*._ -]*$/;

/**
 * A value as URLSearchParams writes it. Slugs, numbers, positions and folded ASCII words
 * (nearly every value) take the short way; this string is built for every link of every
 * document, and URLSearchParams is a slow JavaScript object in Node.
 */
function formValue(value: string): string {
  if (FORM_PLAIN.test(value)) return value.replaceAll(" ", "+");
  return new URLSearchParams({ v: value }).toString().slice(2);
}
