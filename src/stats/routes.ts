// GET /stats (HTML) and GET /stats.json for the publisher alone: a bearer token compared
// in constant time, never cached anywhere. With counting off they are not there at all:
// the request goes on to the app's own 404, like any unknown path.
import { type Context, Hono } from "hono";
import type { AppEnv } from "../app-env.js";
import { siteConfig } from "../config.js";
import { dayOf, feedFigures, isoDay } from "./figures.js";
import { statsPage } from "./page.js";
import { statsSettings } from "./settings.js";
import { readRows } from "./store.js";

export const CHART_DAYS = 30;

const PRIVATE = {
  "Cache-Control": "private, no-store",
  "X-Content-Type-Options": "nosniff",
  "X-Robots-Tag": "noindex",
  "Referrer-Policy": "no-referrer",
} as const;

const encoder = new TextEncoder();
const digest = (text: string) => crypto.subtle.digest("SHA-256", encoder.encode(text));

/** Hashing both sides first makes the comparison take the same time whatever the lengths. */
async function holdsToken(authorization: string | undefined, token: string): Promise<boolean> {
  const presented = /^Bearer +([\x21-\x7e]+) *$/i.exec(authorization ?? "")?.[1];
  if (presented === undefined) return false;
  const [a, b] = await Promise.all([digest(presented), digest(token)]);
  return crypto.subtle.timingSafeEqual(a, b);
}

function problem(status: 401 | 503, title: string, detail: string, headers: Record<string, string> = {}) {
  return Response.json(
    { type: "about:blank", title, status, detail },
    { status, headers: { ...PRIVATE, ...headers, "Content-Type": "application/problem+json; charset=utf-8" } },
  );
}

async function figures(c: Context<AppEnv>, now: () => number) {
  const settings = statsSettings(c.env);
  if (settings.state === "off") return undefined;
  if (settings.state === "misconfigured") {
    return problem(503, "Service Unavailable", "Subscriber stats are misconfigured; the Worker's log says how.");
  }
  if (!(await holdsToken(c.req.header("Authorization"), settings.token))) {
    const error = c.req.header("Authorization") ? ', error="invalid_token"' : "";
    return problem(401, "Unauthorized", "Send the stats token as Authorization: Bearer <STATS_TOKEN>.", {
      "WWW-Authenticate": `Bearer realm="stats"${error}`,
    });
  }
  const today = dayOf(now());
  try {
    const rows = await readRows(settings.db, today, CHART_DAYS);
    return { today, feeds: feedFigures(rows.hosted, rows.individual, today, CHART_DAYS) };
  } catch (error) {
    console.error("subscriber stats unreadable (is migrations/0100_stats.sql applied?)", error);
    return problem(503, "Service Unavailable", "The subscriber counts cannot be read right now.", {
      "Retry-After": "60",
    });
  }
}

/** The two routes; mounted before the public middleware, so no CORS header is ever added. */
export function statsRoutes(now: () => number) {
  const app = new Hono<AppEnv>();
  app.get("/stats", async (c, next) => {
    const result = await figures(c, now);
    if (result === undefined) return next();
    if (result instanceof Response) return result;
    const site = siteConfig(c.env);
    const body = await statsPage(site.title, site.origin, result.today, result.feeds);
    return c.html(body, 200, {
      ...PRIVATE,
      "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
    });
  });
  app.get("/stats.json", async (c, next) => {
    const result = await figures(c, now);
    if (result === undefined) return next();
    if (result instanceof Response) return result;
    const site = siteConfig(c.env);
    const feeds = result.feeds.map((feed) => ({
      path: feed.path,
      url: `${site.origin}${feed.path}`,
      subscribers: feed.total,
      services: feed.services,
      history: feed.history.map(({ day, hosted, individual }) => ({
        date: isoDay(day),
        hosted,
        individual,
        total: hosted + individual,
      })),
    }));
    return c.json({ date: isoDay(result.today), window_days: 7, feeds }, 200, PRIVATE);
  });
  return app;
}
