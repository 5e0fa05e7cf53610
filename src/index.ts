// The Worker: the app over the configured store (the bundled index, or D1) and the real
// clock, and the Cron Trigger that tells the WebSub hub which feeds changed.

import buildProblems from "../.generated/build-problems.js";
import index from "../.generated/content-index.js";
import { createApp } from "./app.js";
import { siteConfig } from "./config.js";
import { buildProblemsResponse } from "./http/build-problems.js";
import { statsCron } from "./stats/store.js";
import { bundledStore, configuredStore } from "./store/configured.js";
import type { ArticleStore } from "./store/store.js";
import { publishChanges } from "./websub/publish.js";

// Index the bundled articles at start-up, which Workers overlap with the TLS handshake,
// rather than on the first request. A build for D1 carries none.
if (index.store !== "d1") bundledStore(index);

/** One app per environment object: the Worker reuses `env` across requests. */
const apps = new WeakMap<Env, { app: ReturnType<typeof createApp>; store: ArticleStore }>();

function forEnv(env: Env) {
  let entry = apps.get(env);
  if (!entry) {
    const store = configuredStore(env, index);
    entry = { app: createApp({ store, now: Date.now }), store };
    apps.set(env, entry);
  }
  return entry;
}

export default {
  fetch(request, env, ctx) {
    // Only under `wrangler dev` after a failed build: the writer sees what to fix, at once.
    if (buildProblems.length > 0) return buildProblemsResponse(request, buildProblems);
    let app: ReturnType<typeof createApp>;
    try {
      app = forEnv(env).app;
    } catch (error) {
      // The operator's mistake, logged for them; the client gets a problem document, not a stack.
      console.error(error);
      const problem = { type: "about:blank", title: "Service Misconfigured", status: 500 };
      return Response.json(problem, {
        status: 500,
        headers: {
          "Content-Type": "application/problem+json; charset=utf-8",
          "Access-Control-Allow-Origin": "*",
          // Like every problem: never sniffed, never cached (the next deploy may fix it).
          "X-Content-Type-Options": "nosniff",
          "Cache-Control": "no-store",
        },
      });
    }
    return app.fetch(request, env, ctx);
  },
  async scheduled(_controller, env, ctx) {
    if (buildProblems.length > 0) return;
    const { store } = forEnv(env);
    ctx.waitUntil(
      publishChanges(
        { store, now: Date.now, state: env.WEBSUB_STATE, fetch: (...args) => fetch(...args) },
        siteConfig(env),
      ),
    );
    // Subscriber stats: finished weeks folded into counts, rows past the retention pruned.
    ctx.waitUntil(statsCron(env, Date.now()));
  },
} satisfies ExportedHandler<Env>;
