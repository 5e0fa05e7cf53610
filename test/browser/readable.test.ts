// A person in a real browser: headless Chromium opens the home page, follows its
// autodiscovery link, and opens feed URLs, which show the readable view; at a phone's
// width and a desktop's, no page scrolls sideways (screenshots in test-output/).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PORT = Number(process.env.READABLE_TEST_PORT ?? 8797);
const BASE = `http://127.0.0.1:${PORT}`;
/** What the tests read inside the page (these files compile without the DOM library). */
interface InPage {
  document: { documentElement: { scrollWidth: number } };
  innerWidth: number;
  getSelection(): unknown;
  navigator: { clipboard: { readText(): Promise<string> } };
}

/** Screenshots for a person to review; gitignored. */
const OUTPUT = "test-output";
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
    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: `${OUTPUT}/readable-atom.png` });
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

/** The newest archive month of the main feed, as its first page links it. */
async function newestArchive(): Promise<string> {
  const atom = await (await fetch(`${BASE}/atom.xml`)).text();
  const href = /<link rel="prev-archive"[^>]*href="([^"]+)"/.exec(atom)?.[1];
  if (!href) throw new Error("the main feed links no archive");
  return href.replace(BASE, "").replace("atom.xml", "rss.xml");
}

describe("on a phone and a desktop", () => {
  const WIDTHS = [390, 1280];

  it.each(WIDTHS)(
    "shows the home page, a term page, a feed and an archive without sideways scrolling at %i px",
    async (width) => {
      mkdirSync(OUTPUT, { recursive: true });
      const archive = await newestArchive();
      const context = await browser.newContext({ viewport: { width, height: 844 } });
      const tab = await context.newPage();
      for (const [name, path] of [
        ["home", "/"],
        ["term", "/topics/ai/"],
        ["feed", "/topics/ai/rss.xml"],
        ["archive", archive],
        ["error", "/topics/no-such-topic/rss.xml"],
      ] as const) {
        const response = await tab.goto(`${BASE}${path}`);
        expect(response?.headers()["content-type"], path).toBe("text/html; charset=utf-8");
        const { scrollWidth, innerWidth } = await tab.evaluate(() => ({
          scrollWidth: (globalThis as unknown as InPage).document.documentElement.scrollWidth,
          innerWidth: (globalThis as unknown as InPage).innerWidth,
        }));
        await tab.screenshot({ path: `${OUTPUT}/${name}-${width}.png` });
        await tab.screenshot({ path: `${OUTPUT}/${name}-${width}-full.png`, fullPage: true });
        expect(scrollWidth, `${path} at ${width} px`).toBeLessThanOrEqual(innerWidth);
      }
      await context.close();
    },
  );

  it("titles the archive with its month and offers the live feed, not a subscription", async () => {
    const archive = await newestArchive();
    await page.goto(`${BASE}${archive}`);
    const month = /archive\/(\d{4})-(\d{2})\//.exec(archive) as RegExpExecArray;
    const label = new Date(Date.UTC(Number(month[1]), Number(month[2]) - 1, 1)).toLocaleString("en", {
      month: "long",
      year: "numeric",
      timeZone: "UTC",
    });
    await expect(page.locator("h1").textContent()).resolves.toBe(`Signal Digest: ${label}`);
    expect(await page.locator('a[rel="current"]').first().getAttribute("href")).toBe(`${BASE}/rss.xml`);
    expect(await page.locator("body").textContent()).not.toMatch(/subscribe/i);
  });

  it("copies a feed's address with the button, and selects it whole with one click", async () => {
    const context = await browser.newContext();
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: BASE });
    const tab = await context.newPage();
    await tab.goto(`${BASE}/`);
    const button = tab.locator("#feeds button.copy").first();
    await expect(button.isVisible()).resolves.toBe(true);
    await button.click();
    await expect(tab.evaluate(() => (globalThis as unknown as InPage).navigator.clipboard.readText())).resolves.toBe(
      `${BASE}/rss.xml`,
    );
    await expect(button.textContent()).resolves.toBe("Copied");
    // Without the script: no button, and one click on the address selects all of it.
    await tab.locator("#feeds code.url").first().click();
    await expect(tab.evaluate(() => String((globalThis as unknown as InPage).getSelection()))).resolves.toBe(
      `${BASE}/rss.xml`,
    );
    await context.close();
    const noScript = await browser.newContext({ javaScriptEnabled: false });
    const plain = await noScript.newPage();
    await plain.goto(`${BASE}/`);
    await expect(plain.locator("button.copy").first().isVisible()).resolves.toBe(false);
    await noScript.close();
  });

  it("shows a browser tab's error as a page with the way back to the feeds", async () => {
    const response = await page.goto(`${BASE}/topics/no-such-topic/`);
    expect(response?.status()).toBe(404);
    await expect(page.locator("h1").textContent()).resolves.toBe("404 Not Found");
    expect(await page.locator('main a[href$="/rss.xml"]').count()).toBe(1);
  });
});

describe("the XSLT stylesheet, where a browser is handed the XML", () => {
  it("records what this Chromium does with a feed it is sent as XML", async () => {
    mkdirSync(OUTPUT, { recursive: true });
    const context = await browser.newContext();
    const tab = await context.newPage();
    // A navigation would get the HTML view; here the tab is handed what a feed reader gets.
    await tab.route(`${BASE}/**`, async (route) => {
      const response = await route.fetch({ headers: { Accept: "application/rss+xml, application/atom+xml, */*" } });
      await route.fulfill({ response });
    });
    const seen: Record<string, unknown> = { browser: browser.version() };
    for (const path of ["/rss.xml", "/atom.xml"]) {
      const response = await tab.goto(`${BASE}${path}`);
      const type = response?.headers()["content-type"];
      // The server's side of it: such a request gets the feed, which names the stylesheet.
      expect(type).toMatch(/^application\/(rss|atom)\+xml/);
      seen[path] = {
        contentType: type,
        transformed: (await tab.locator("p.banner").count()) > 0,
        title: await tab.title(),
      };
    }
    writeFileSync(`${OUTPUT}/xslt.json`, `${JSON.stringify(seen, null, 2)}\n`);
    await context.close();
  });
});
