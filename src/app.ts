// Builds the Hono app from its dependencies, so tests can inject a store and a clock.
import { Hono } from "hono";
import type { AppEnv } from "./app-env.js";
import { siteConfig } from "./config.js";
import { FORMAT_NAMES, FORMATS } from "./feed/formats.js";
import type { TermKind } from "./feed/select.js";
import { type FeedDeps, feedHandler, KIND_PATHS } from "./http/feed-route.js";
import { allowedMethods, corsHeaders, noSniff, urlLength } from "./http/headers.js";
import { opml } from "./http/opml.js";
import { homePage, termPage } from "./http/pages.js";
import { notFound, onError } from "./http/problem.js";
import { countSubscribers } from "./stats/middleware.js";
import { statsRoutes } from "./stats/routes.js";

export function createApp(deps: FeedDeps) {
  const app = new Hono<AppEnv>();
  // Subscriber counts (src/stats/): the counter sees every answer; /stats precedes the public headers.
  app.use(countSubscribers(deps.now));
  app.route("/", statsRoutes(deps.now));
  app.use(noSniff, corsHeaders, allowedMethods, urlLength, async (c, next) => {
    c.set("site", siteConfig(c.env));
    await next();
  });

  app.get("/", homePage(deps));
  app.get("/feeds.opml", opml(deps));
  for (const format of FORMAT_NAMES) {
    const { file } = FORMATS[format];
    app.get(`/${file}`, feedHandler(format, deps));
    app.get(`/archive/:month/${file}`, feedHandler(format, deps));
  }
  for (const [kind, segment] of Object.entries(KIND_PATHS) as [TermKind, string][]) {
    app.get(`/${segment}/:slug/`, termPage(deps, kind));
    for (const format of FORMAT_NAMES) {
      const { file } = FORMATS[format];
      app.get(`/${segment}/:slug/${file}`, feedHandler(format, deps, kind));
      app.get(`/${segment}/:slug/archive/:month/${file}`, feedHandler(format, deps, kind));
    }
  }

  app.notFound(notFound);
  app.onError(onError);
  return app;
}
