// The publisher's /stats page in headless Chromium, served by `wrangler dev` over a local
// D1 of its own: thirty days of history seeded as the counter writes it, today's figures
// from real feed requests, and a screenshot of the page.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PORT = Number(process.env.STATS_BROWSER_PORT ?? 8861);
const BASE = `http://127.0.0.1:${PORT}`;
const TOKEN = "browser-test-stats-token-0123456789";
const DAY = 86_400_000;
const CACHE = resolve(import.meta.dirname, "../../.cache");
mkdirSync(CACHE, { recursive: true });
const state = mkdtempSync(join(CACHE, "browser-stats-"));
/** Kept after the run, to look at. */
const SCREENSHOT = join(CACHE, "stats.png");
let server: ChildProcess;
let browser: Browser;

const wrangler = (args: string[]) =>
  execFileSync("npx", ["wrangler", ...args, "--local", "--persist-to", state], { stdio: "pipe" });

/** Hosted rows for the 29 days before today, growing: Feedly 400 + 2 a day, Inoreader 100 + 1 a day. */
function history(today: number): string {
  const rows = [];
  for (let day = today - 29; day < today; day++) {
    const n = day - today + 29;
    rows.push(
      `(${day}, '/rss.xml', 'Feedly', '', ${400 + 2 * n})`,
      `(${day}, '/rss.xml', 'Inoreader', '', ${100 + n})`,
    );
    rows.push(`(${day}, '/topics/ai/atom.xml', 'Feedbin', '7', ${20 + (n % 5)})`);
  }
  return `INSERT INTO stats_hosted (day, path, service, feed_id, subscribers) VALUES ${rows.join(", ")}`;
}

async function waitForServer(deadline: number) {
  while (Date.now() < deadline) {
    const up = await fetch(`${BASE}/feed.json`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error("wrangler dev did not start");
}

const poll = (path: string, userAgent: string) => fetch(`${BASE}${path}`, { headers: { "User-Agent": userAgent } });

beforeAll(async () => {
  wrangler(["d1", "migrations", "apply", "feed-articles"]);
  wrangler(["d1", "execute", "feed-articles", "--command", history(Math.floor(Date.now() / DAY))]);
  server = spawn(
    "npx",
    [
      "wrangler",
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(PORT),
      "--persist-to",
      state,
      "--var",
      `SITE_URL:${BASE}`,
      "--var",
      `STATS_TOKEN:${TOKEN}`,
    ],
    { detached: true, stdio: "ignore" },
  );
  await waitForServer(Date.now() + 90_000);
  for (const ua of [
    "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 462 subscribers; )",
    "Mozilla/5.0 (compatible; inoreader.com; 131 subscribers)",
    "Feedbin feed-id:7 - 24 subscribers",
    "Feedbin feed-id:8 - 3 subscribers",
    "Newsboat/2.36.0 (Linux x86_64)",
    "NetNewsWire (RSS Reader; https://netnewswire.com/)",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
  ]) {
    for (const path of ["/rss.xml", "/topics/ai/atom.xml"]) expect((await poll(path, ua)).status).toBe(200);
  }
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (server?.pid) process.kill(-server.pid, "SIGTERM");
  rmSync(state, { recursive: true, force: true });
});

describe("the stats page in a browser", () => {
  it("asks for the token", async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${BASE}/stats`);
    expect(response?.status()).toBe(401);
    expect(response?.headers()["www-authenticate"]).toMatch(/^Bearer/);
    await page.close();
  });

  it("shows each feed's subscribers by service and a 30-day chart, loading nothing else", async () => {
    const context = await browser.newContext({ extraHTTPHeaders: { Authorization: `Bearer ${TOKEN}` } });
    const page = await context.newPage();
    const requested: string[] = [];
    const problems: string[] = [];
    page.on("request", (request) => requested.push(request.url()));
    page.on("console", (message) => message.type() === "error" && problems.push(message.text()));
    const response = await page.goto(`${BASE}/stats`);
    expect(response?.status()).toBe(200);
    expect(await page.title()).toBe("Subscribers — Signal Digest");

    // Today's figures: the numbers the requests above reported, and two individual readers.
    const totals = await page.locator(".total").allTextContents();
    expect(totals).toEqual([String(462 + 131 + 27 + 2), String(462 + 131 + 27 + 2)]);
    const rss = page.locator("section").filter({ has: page.locator('h2 a[href$="/rss.xml"]') });
    const rows = await rss
      .locator("tbody tr")
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)));
    expect(rows).toEqual([
      ["Feedly", "hosted", "462"],
      ["Inoreader", "hosted", "131"],
      ["Feedbin", "hosted", "27"],
      ["NetNewsWire", "individual", "1"],
      ["newsboat", "individual", "1"],
    ]);
    // 30 days of bars, drawn; the oldest day's tooltip holds the seeded figures.
    expect(await rss.locator("svg g").count()).toBe(30);
    expect(await rss.locator("svg g title").first().textContent()).toMatch(/: 500 hosted, 0 individual$/);
    const box = await rss.locator("svg").boundingBox();
    expect(box?.width).toBeGreaterThan(300);

    expect(requested).toEqual([`${BASE}/stats`]);
    expect(problems).toEqual([]);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    await context.close();
  });
});
