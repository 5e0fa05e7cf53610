// Errors are values with a status, answered as RFC 9457 problem documents.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { isSlug } from "../content/slug.js";
import { StoreUnavailable } from "../store/store.js";

export interface InvalidParam {
  name: string;
  reason: string;
}

export class HttpProblem extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly title: string,
    readonly detail?: string,
    readonly extra: { invalidParams?: InvalidParam[]; headers?: Record<string, string> } = {},
  ) {
    super(detail ?? title);
  }
}

export function problemResponse(c: Context, problem: HttpProblem): Response {
  const body = {
    type: "about:blank",
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    invalid_params: problem.extra.invalidParams,
  };
  for (const [name, value] of Object.entries(problem.extra.headers ?? {})) c.header(name, value);
  c.header("Cache-Control", "no-store");
  return c.body(JSON.stringify(body), problem.status, { "Content-Type": "application/problem+json; charset=utf-8" });
}

/** The one place errors become responses: a client's mistake is never a 500. */
export function onError(error: Error, c: Context): Response {
  if (error instanceof HttpProblem) return problemResponse(c, error);
  // The store logged what failed and how long it took; the client may simply retry.
  if (error instanceof StoreUnavailable) {
    return problemResponse(
      c,
      new HttpProblem(503, "Service Unavailable", "The article store is unavailable; try again shortly.", {
        headers: { "Retry-After": "30" },
      }),
    );
  }
  // Log the error for the operator; the client gets no stack and no internals.
  console.error(error);
  return problemResponse(
    c,
    new HttpProblem(500, "Internal Server Error", "The service could not answer this request."),
  );
}

/** What a client sent is never echoed back in a path's problem, unless it is a well-formed slug. */
export function unknownTerm(kind: string, slug: string): HttpProblem {
  const named = slug.length <= 100 && isSlug(slug) ? ` ${slug}` : " at this address";
  return new HttpProblem(404, "Not Found", `There is no ${kind}${named}.`);
}

export function notFound(c: Context): Response {
  return problemResponse(
    c,
    new HttpProblem(404, "Not Found", "There is nothing at this address; the feeds are listed at /."),
  );
}
