// A person in a real browser: headless Chromium opens the home page, follows its
// autodiscovery link, and opens feed URLs, which show the readable view.
import { type ChildProcess, spawn } from "node:child_process";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PORT = Number(process.env.READABLE_TEST_PORT ?? 8797);
const BASE = `http://127.0.0.1:${PORT}`;
let server: ChildProcess;
let browser: Browser;
let page: Page;

async function waitForServer(deadline: number) {
  while (Date.now() < deadline) {
    if (
      await fetch(`${BASE}/feed.json`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error("wrangler dev did not start");
}

beforeAll(async () => {
  // SITE_URL must be the address the browser uses, or links would lead elsewhere.
  server = spawn("npx", ["wrangler", "dev", "--ip", "127.0.0.1", "--port", String(PORT), "--var", `SITE_URL:${BASE}`], {
    detached: true,
    stdio: "ignore",
  });
  await waitForServer(Date.now() + 90_000);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--headless",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  page = await browser.newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (server?.pid) process.kill(-server.pid, "SIGTERM");
});

describe("in a browser", () => {
  it("shows the home page, whose autodiscovery link leads to a readable feed", async () => {
    await page.goto(`${BASE}/`);
    expect(await page.title()).toBe("Signal Digest");
    await expect(page.locator("h1").textContent()).resolves.toBe("Signal Digest");
    const discovered = await page.locator('link[rel="alternate"][type="application/atom+xml"]').getAttribute("href");
    expect(discovered).toBe(`${BASE}/atom.xml`);

    const response = await page.goto(discovered as string);
    expect(response?.headers()["content-type"]).toBe("text/html; charset=utf-8");
    expect(await page.title()).toBe("Signal Digest (Atom feed)");
    await expect(page.locator("#feed-url").textContent()).resolves.toBe(`${BASE}/atom.xml`);
    expect(await page.locator(".banner").textContent()).toContain("To subscribe");
    expect(await page.locator(".articles li").count()).toBe(20);
    await page.screenshot({ path: "/tmp/feed-service-atom.png" });
  });

  it("shows a topic's RSS feed as a page, with links to the articles", async () => {
    await page.goto(`${BASE}/topics/ai/`);
    await page.locator('a[type="application/rss+xml"]').first().click();
    await page.waitForURL(`${BASE}/topics/ai/rss.xml`);
    expect(await page.title()).toBe("AI — Signal Digest (RSS feed)");
    const first = page.locator(".articles li a").first();
    expect(await first.getAttribute("href")).toMatch(/^https:\/\//);
  });

  it("still gives scripts the feed itself", async () => {
    await page.goto(`${BASE}/`);
    const fetched = await page.evaluate(async (url) => {
      const response = await fetch(url);
      const feed = (await response.json()) as { version: string };
      return { type: response.headers.get("content-type"), version: feed.version };
    }, `${BASE}/feed.json`);
    expect(fetched).toEqual({
      type: "application/feed+json; charset=utf-8",
      version: "https://jsonfeed.org/version/1.1",
    });
  });
});
