// The last resort when wrangler.toml's settings are wrong at run time (the build refuses
// them first, but `wrangler dev --var` or the dashboard can still set one): a problem
// document like every other, with nothing cached and the reason only in the log.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, expect, it, vi } from "vitest";
import worker from "../src/index.js";

afterEach(() => {
  vi.restoreAllMocks();
});

it("answers a misconfigured Worker with a no-store, nosniff 500 problem and logs why", async () => {
  const logged = vi.spyOn(console, "error").mockImplementation(() => {});
  const ctx = createExecutionContext();
  const request = new Request<unknown, IncomingRequestCfProperties>("http://127.0.0.1:8787/feed.json");
  const response = await worker.fetch(request, { ...env, SITE_URL: "not a url" } as unknown as Env, ctx);
  await waitOnExecutionContext(ctx);
  expect(response.status).toBe(500);
  expect(response.headers.get("Content-Type")).toBe("application/problem+json; charset=utf-8");
  expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
  expect(response.headers.get("Cache-Control")).toBe("no-store");
  expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
  const body = await response.text();
  expect(JSON.parse(body)).toEqual({ type: "about:blank", title: "Service Misconfigured", status: 500 });
  expect(body).not.toContain("not a url");
  expect(logged).toHaveBeenCalledOnce();
  expect(String(logged.mock.calls[0]?.[0])).toContain("SITE_URL: must be an absolute http(s) URL");
});
