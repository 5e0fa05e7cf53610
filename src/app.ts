// Builds the Worker's fetch from its dependencies, so tests can inject a store and a clock:
// the cache's hit path first, then the Hono app (middleware, the pipeline, errors).
import { Hono } from "hono";
import type { AppEnv } from "./app-env.js";
import { type SiteConfig, siteConfig } from "./config.js";
import { embedScriptRoutes } from "./embed/script.js";
import { matchBase, outsideResponse } from "./http/base-path.js";
import type { FeedDeps } from "./http/feed-route.js";
import { allowedMethods, corsHeaders, noSniff, urlLength } from "./http/headers.js";
import { Pipeline, type PipelineOptions } from "./http/pipeline.js";
import { notFound, onError } from "./http/problem.js";
import { countRequest, countSubscribers, SubscriberCounter } from "./stats/middleware.js";
import { statsRoutes } from "./stats/routes.js";

export function createApp(deps: FeedDeps, options: PipelineOptions = {}) {
  const pipeline = new Pipeline(deps, options);
  const app = new Hono<AppEnv>();
  // Subscriber counts (src/stats/): one counter sees every answer, the hit path's (below) and
  // the app's (this middleware, first); /stats precedes the public headers.
  const counter = new SubscriberCounter(deps.now);
  app.use(countSubscribers(counter));
  app.route("/", statsRoutes(deps.now));
  app.use(noSniff, corsHeaders, allowedMethods, urlLength, async (c, next) => {
    c.set("site", siteConfig(c.env));
    await next();
  });
  // The <feed-list> script, a static asset (src/embed/); the iframe pages are cached views.
  embedScriptRoutes(app);
  // route.ts parses every path the service has; anything else is its 404.
  app.get("*", pipeline.handler);
  app.notFound(notFound);
  app.onError(onError);

  return {
    fetch(outer: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response> {
      // Settings that do not parse are the app's to report (onError), not the hit path's.
      let site: SiteConfig | undefined;
      try {
        site = siteConfig(env);
      } catch {
        site = undefined;
      }
      // A site under a path: the app sees requests without it (base-path.ts).
      const match = site ? matchBase(outer, site) : { inside: outer };
      if (!("inside" in match)) return outsideResponse(match, site as SiteConfig);
      const request = match.inside;
      const hit = site && pipeline.hit(request, site, ctx);
      if (!hit) return app.fetch(request, env, ctx);
      countRequest(counter, request, hit.status, env, ctx);
      return hit;
    },
  };
}
