// Headers every response carries, and the methods the service answers.
import type { MiddlewareHandler } from "hono";
import { HttpProblem } from "./problem.js";

export const ALLOWED_METHODS = ["GET", "HEAD", "OPTIONS"];

const EXPOSED_HEADERS = ["ETag", "Last-Modified", "Link", "X-Cache", "Server-Timing"].join(", ");

/** What the middleware below adds to every response; cached entries carry it precomputed. */
export const EVERY_RESPONSE: readonly [string, string][] = [
  ["Access-Control-Allow-Origin", "*"],
  ["Access-Control-Expose-Headers", EXPOSED_HEADERS],
  ["X-Content-Type-Options", "nosniff"],
];

/**
 * Feeds are public: any page may read them, and their caching headers. Set after the
 * handler rather than with hono/cors, which sets its headers on a placeholder response
 * first; Hono then rebuilds every response a handler returns (a new Response around the
 * same body stream, headers copied), which was most of what a cache hit cost.
 */
export const corsHeaders: MiddlewareHandler = async (c, next) => {
  if (c.req.method === "OPTIONS") {
    const requested = c.req.header("Access-Control-Request-Headers");
    return new Response(null, {
      status: 204,
      headers: {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": ALLOWED_METHODS.join(", "),
        "Access-Control-Max-Age": "86400",
        ...(requested && { "Access-Control-Allow-Headers": requested, Vary: "Access-Control-Request-Headers" }),
      },
    });
  }
  await next();
  c.res.headers.set("Access-Control-Allow-Origin", "*");
  c.res.headers.set("Access-Control-Expose-Headers", EXPOSED_HEADERS);
};

export const noSniff: MiddlewareHandler = async (c, next) => {
  await next();
  c.res.headers.set("X-Content-Type-Options", "nosniff");
};

/** Longer request targets are no feed URL this service writes (those stay under 1 KiB). */
export const MAX_URL_LENGTH = 4096;

export const urlLength: MiddlewareHandler = async (c, next) => {
  if (c.req.url.length > MAX_URL_LENGTH) {
    throw new HttpProblem(414, "URI Too Long", `Request URLs are limited to ${MAX_URL_LENGTH} characters.`);
  }
  await next();
};

export const allowedMethods: MiddlewareHandler = async (c, next) => {
  if (!ALLOWED_METHODS.includes(c.req.method)) {
    throw new HttpProblem(405, "Method Not Allowed", `${c.req.method} is not supported; use GET or HEAD.`, {
      headers: { Allow: ALLOWED_METHODS.join(", ") },
    });
  }
  await next();
};
