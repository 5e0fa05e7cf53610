// Headers every response carries, and the methods the service answers.
import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { HttpProblem } from "./problem.js";

export const ALLOWED_METHODS = ["GET", "HEAD", "OPTIONS"];

/** Feeds are public: any page may read them, and may read their caching headers. */
export const corsHeaders = cors({
  origin: "*",
  allowMethods: ALLOWED_METHODS,
  exposeHeaders: ["ETag", "Last-Modified", "Link", "X-Cache", "Server-Timing"],
  maxAge: 86_400,
});

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
