// Two projects: the Worker's tests run inside workerd with the real wrangler.toml;
// the build step's tests run in Node, where the build itself runs.
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { contentFacts } from "./test/support/content-facts.js";

export default defineConfig(async () => ({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            // The D1 schema, applied to the test database by test/support/d1-setup.ts.
            miniflare: { bindings: { TEST_MIGRATIONS: await readD1Migrations("migrations") } },
          }),
        ],
        test: {
          name: "workers",
          include: ["test/**/*.test.ts"],
          exclude: ["test/node/**", "test/browser/**"],
          provide: { ...(await contentFacts("content")), fakeNow: process.env.TEST_FAKE_NOW ?? "" },
          // TEST_FAKE_NOW moves every Date in workerd (see test/support/fake-now.ts).
          setupFiles: ["test/support/d1-setup.ts", ...(process.env.TEST_FAKE_NOW ? ["test/support/fake-now.ts"] : [])],
        },
      },
      {
        // Pure helpers' unit tests sit beside them in src/ and need no Worker runtime.
        // Some start the build or wrangler in a child process: seconds on a loaded machine.
        test: {
          name: "node",
          environment: "node",
          include: ["test/node/**/*.test.ts", "src/**/*.test.ts"],
          testTimeout: 60_000,
        },
      },
      {
        // Headless Chromium against `wrangler dev`: `npm run test:browser`, not `npm test`.
        // One file at a time: each starts `wrangler dev`, whose build rewrites .generated/.
        test: {
          name: "browser",
          environment: "node",
          include: ["test/browser/**/*.test.ts"],
          testTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
}));
