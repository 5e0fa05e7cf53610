// Two projects: the Worker's tests run inside workerd with the real wrangler.toml;
// the build step's tests run in Node, where the build itself runs.
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { contentFacts } from "./test/support/content-facts.js";

export default defineConfig(async () => ({
  test: {
    projects: [
      {
        plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.toml" } })],
        test: {
          name: "workers",
          include: ["test/**/*.test.ts"],
          exclude: ["test/node/**", "test/browser/**"],
          provide: await contentFacts("content"),
        },
      },
      {
        test: { name: "node", environment: "node", include: ["test/node/**/*.test.ts"] },
      },
      {
        // Headless Chromium against `wrangler dev`: `npm run test:browser`, not `npm test`.
        test: { name: "browser", environment: "node", include: ["test/browser/**/*.test.ts"], testTimeout: 60_000 },
      },
    ],
  },
}));
