// The Worker: the app over the bundled content index and the real clock, and the Cron
// Trigger that tells the WebSub hub which feeds changed.
import { createApp } from "./app.js";
import { siteConfig } from "./config.js";
import index from "./generated/content-index.js";
import { BundledStore } from "./store/bundled.js";
import { publishChanges } from "./websub/publish.js";

const deps = { store: new BundledStore(index), now: Date.now };
const app = createApp(deps);

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(
      publishChanges({ ...deps, state: env.WEBSUB_STATE, fetch: (...args) => fetch(...args) }, siteConfig(env)),
    );
  },
} satisfies ExportedHandler<Env>;
