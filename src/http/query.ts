// Query parameters of feed requests, parsed through one zod schema. Unknown parameters
// are ignored; a known one given twice, or with a bad value, is a 400 naming it.
import { z } from "zod";
import { HttpProblem } from "./problem.js";

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

const FeedQuery = z.object({
  limit: z
    .string()
    .regex(/^\d{1,9}$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().min(1, "must be at least 1").max(MAX_LIMIT, `must be at most ${MAX_LIMIT}`))
    .default(DEFAULT_LIMIT),
});

export type FeedQuery = z.output<typeof FeedQuery>;

const KNOWN = Object.keys(FeedQuery.shape) as (keyof FeedQuery)[];

export function parseFeedQuery(params: URLSearchParams): FeedQuery {
  const input: Record<string, string> = {};
  const invalidParams = [];
  for (const name of KNOWN) {
    const values = params.getAll(name);
    if (values.length > 1) invalidParams.push({ name, reason: "must be given once" });
    else if (values[0] !== undefined) input[name] = values[0];
  }
  const result = FeedQuery.safeParse(input);
  if (!result.success) {
    for (const issue of result.error.issues) invalidParams.push({ name: issue.path.join("."), reason: issue.message });
  }
  if (invalidParams.length > 0 || !result.success) {
    const names = invalidParams.map((param) => param.name).join(", ");
    throw new HttpProblem(400, "Bad Request", `Invalid query parameter: ${names}.`, { invalidParams });
  }
  return result.data;
}

/**
 * The known parameters in a fixed order, defaults left out: the same view always has
 * the same URL, whatever order or extra parameters a client sent.
 */
export function canonicalSearch(query: FeedQuery): string {
  const params = new URLSearchParams();
  if (query.limit !== DEFAULT_LIMIT) params.set("limit", String(query.limit));
  const search = params.toString();
  return search ? `?${search}` : "";
}
