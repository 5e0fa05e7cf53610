// What an embed shows: the number of items and the parts left out. The same names serve
// the element's attributes (`limit`, `hide`) and the iframe page's query parameters.
import { z } from "zod";
import { badRequest, type FeedQuery } from "../http/query.js";

/** An embed sits beside a page's own content: fewer items than a feed's 20. */
export const EMBED_DEFAULT_LIMIT = 5;
export const HIDEABLE = ["date", "excerpt", "header", "image", "provider"] as const;
export type Hideable = (typeof HIDEABLE)[number];

/** Comma- or space-separated parts, e.g. `image,excerpt`; sorted, so one view has one cache key. */
const Hide = z
  .string()
  .max(100, "must be at most 100 characters")
  .transform((value) =>
    value
      .toLowerCase()
      .split(/[\s,]+/)
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(HIDEABLE, { error: `must list parts among ${HIDEABLE.join(", ")}` })))
  .transform((parts) => [...new Set(parts)].sort());

export interface EmbedOptions {
  limit: number;
  hide: Hideable[];
}

/**
 * `limit` comes from the feed's own query schema (1 to 100; absent there when it equals the
 * site's page size), with the embed's default.
 */
export function parseEmbedOptions(params: URLSearchParams, query: FeedQuery, pageSize: number): EmbedOptions {
  const limit = params.has("limit") ? (query.limit ?? pageSize) : EMBED_DEFAULT_LIMIT;
  const values = params.getAll("hide");
  if (values.length > 1) throw badRequest([{ name: "hide", reason: "must be given once" }]);
  const result = Hide.safeParse(values[0] ?? "");
  if (!result.success) throw badRequest([{ name: "hide", reason: result.error.issues[0]?.message ?? "is invalid" }]);
  return { limit, hide: result.data };
}

/** The options in canonical form, defaults left out: part of the page's cache key. */
export function canonicalOptions({ limit, hide }: EmbedOptions): string {
  const params = new URLSearchParams();
  if (limit !== EMBED_DEFAULT_LIMIT) params.set("limit", String(limit));
  if (hide.length > 0) params.set("hide", hide.join(","));
  return params.toString();
}
