// Builds the Hono app from its dependencies, so tests can inject a store and a clock.
import { Hono } from "hono";
import { FORMAT_NAMES, FORMATS } from "./feed/formats.js";
import { type FeedDeps, feedHandler } from "./http/feed-route.js";
import { allowedMethods, corsHeaders, noSniff } from "./http/headers.js";
import { homePage } from "./http/home.js";
import { notFound, onError } from "./http/problem.js";

export function createApp(deps: FeedDeps) {
  const app = new Hono<{ Bindings: Env }>();
  app.use(noSniff, corsHeaders, allowedMethods);
  app.get("/", homePage);
  for (const name of FORMAT_NAMES) app.get(`/${FORMATS[name].file}`, feedHandler(name, deps));
  app.notFound(notFound);
  app.onError(onError);
  return app;
}
