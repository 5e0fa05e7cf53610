// The embed on another site, in headless Chromium: a host page on another origin, under a
// strict Content-Security-Policy, shows <feed-list> and the iframe page of the service.
// Ports: EMBED_TEST_PORT (the service, `wrangler dev`) and the three after it (the host
// pages, a third site serving a hostile JSON Feed, wrangler's inspector).
import { type ChildProcess, spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PORT = Number(process.env.EMBED_TEST_PORT ?? 8870);
const SERVICE = `http://127.0.0.1:${PORT}`;
const HOST = `http://127.0.0.1:${PORT + 1}`;
const OTHER = `http://127.0.0.1:${PORT + 2}`;
/** What the issue asks the embed to survive: nothing inline, scripts and fetches from the service only. */
const STRICT_CSP = `default-src 'none'; script-src ${SERVICE}; connect-src ${SERVICE}; img-src *; frame-src ${SERVICE}`;

const HOSTILE = {
  title: `<img src=x onerror="window.pwned='title'">Breaking & "news"`,
  author: `<script>window.pwned='author'</script>`,
  summary: "<b>not bold</b> <a href=javascript:alert(1)>x</a>",
};
const hostileFeed = {
  version: "https://jsonfeed.org/version/1.1",
  title: "Hostile </ul> feed",
  home_page_url: "javascript:window.pwned='home'",
  items: [
    {
      id: "1",
      title: HOSTILE.title,
      url: "https://example.org/1",
      summary: HOSTILE.summary,
      date_published: "2026-05-02T09:15:00Z",
      authors: [{ name: HOSTILE.author }],
      image: "javascript:window.pwned='image'",
    },
    { id: "2", title: "A javascript: link is no link", url: "javascript:window.pwned='url'" },
  ],
};

/**
 * The page's globals that the callbacks run in the browser use. The project's tsconfig has
 * no DOM library (its types clash with the Worker's), so they are declared here.
 */
interface InPage {
  getComputedStyle(
    node: unknown,
  ): Record<"listStyleType" | "color" | "fontSize" | "outlineStyle" | "outlineWidth", string>;
  document: {
    body: { getBoundingClientRect(): { height: number } };
    activeElement: {
      shadowRoot: { activeElement: { getAttribute(name: string): string | null } | null } | null;
    } | null;
  };
  pwned?: string;
}

const script = `<script src="${SERVICE}/embed.js" async></script>`;
const pages: Record<string, { csp: string; body: string }> = {
  "/strict": {
    csp: STRICT_CSP,
    body: `${script}
<main><h1>A host site</h1>
<feed-list id="ai" src="${SERVICE}/topics/ai/feed.json" limit="5"><a href="${SERVICE}/topics/ai/">AI</a></feed-list>
<iframe src="${SERVICE}/embed/topics/ai/?limit=5" title="AI" width="100%" height="520"></iframe></main>`,
  },
  "/styled": {
    csp: `${STRICT_CSP}; style-src ${HOST}`,
    body: `<link rel="stylesheet" href="${HOST}/host.css">${script}
<feed-list src="${SERVICE}/feed.json" limit="2" hide="excerpt image"></feed-list>`,
  },
  "/hostile": {
    csp: `${STRICT_CSP.replace(`connect-src ${SERVICE}`, `connect-src ${SERVICE} ${OTHER}`)}; require-trusted-types-for 'script'`,
    body: `${script}<feed-list src="${OTHER}/feed.json"></feed-list>`,
  },
  "/failing": {
    csp: STRICT_CSP,
    body: `${script}
<feed-list id="missing" src="${SERVICE}/topics/no-such-topic/feed.json"><a href="${SERVICE}/">Our feeds</a></feed-list>
<feed-list id="blocked" src="${OTHER}/feed.json"></feed-list>`,
  },
};
const HOST_CSS = `feed-list { --feed-list-link: rgb(1, 2, 3); }
feed-list::part(heading) { font-size: 30px; }`;

let service: ChildProcess;
let host: Server;
let other: Server;
let browser: Browser;

function serve(port: number, handler: Parameters<typeof createServer>[1]): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer(handler);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

async function waitForService(deadline: number) {
  while (Date.now() < deadline) {
    const up = await fetch(`${SERVICE}/embed.js`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error("wrangler dev did not start");
}

beforeAll(async () => {
  service = spawn(
    "npx",
    [
      "wrangler",
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(PORT),
      "--inspector-port",
      String(PORT + 3),
      "--var",
      `SITE_URL:${SERVICE}`,
    ],
    { detached: true, stdio: "ignore" },
  );
  host = await serve(PORT + 1, (request, response) => {
    const page = pages[request.url ?? ""];
    if (request.url === "/host.css") return response.writeHead(200, { "Content-Type": "text/css" }).end(HOST_CSS);
    if (!page) return response.writeHead(404).end();
    response
      .writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": page.csp })
      .end(
        `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Host</title></head><body>${page.body}</body></html>`,
      );
  });
  other = await serve(PORT + 2, (_request, response) => {
    response
      .writeHead(200, { "Content-Type": "application/feed+json", "Access-Control-Allow-Origin": "*" })
      .end(JSON.stringify(hostileFeed));
  });
  await waitForService(Date.now() + 90_000);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  host?.close();
  other?.close();
  if (service?.pid) process.kill(-service.pid, "SIGTERM");
});

/**
 * Opens a host page and collects the console's CSP and Trusted Types reports (from the
 * page and its frames) and uncaught errors. Thumbnails of the real content point at
 * hosts this machine may not reach; their load failures are not the embed's.
 */
async function open(pathname: string): Promise<{ page: Page; violations: string[]; requests: string[] }> {
  const page = await browser.newPage();
  const violations: string[] = [];
  const requests: string[] = [];
  page.on("request", (request) => requests.push(request.url()));
  page.on("console", (message) => {
    const text = message.text();
    if (/Content Security Policy|Trusted Type|Refused to/i.test(text)) violations.push(text);
  });
  page.on("pageerror", (error) => violations.push(error.message));
  await page.goto(`${HOST}${pathname}`);
  return { page, violations, requests };
}

const shadowLinks = (page: Page, selector: string) =>
  page
    .locator(selector)
    .evaluate((element) =>
      [...(element.shadowRoot?.querySelectorAll("a") ?? [])].map((a) => ({ text: a.textContent, href: a.href })),
    );

describe("the embed on a page with a strict CSP", () => {
  it("shows the newest items in <feed-list> and in the iframe, and nothing breaks the policy", async () => {
    const { page, violations, requests } = await open("/strict");
    const list = page.locator("#ai");
    await expect.poll(() => list.getByRole("listitem").count(), { timeout: 15_000 }).toBe(5);
    // A list of headings with real links, each article's own address.
    const headings = list.getByRole("heading", { level: 3 });
    expect(await headings.count()).toBe(5);
    expect(await list.getByRole("heading", { level: 2 }).textContent()).toBe("AI — Signal Digest");
    const feed = (await (await fetch(`${SERVICE}/topics/ai/feed.json`)).json()) as {
      items: { title: string; url: string }[];
    };
    const links = (await shadowLinks(page, "#ai")).slice(1);
    expect(links).toEqual(feed.items.slice(0, 5).map((item) => ({ text: item.title, href: item.url })));
    // The element's own stylesheet applies although style-src falls back to 'none'.
    const listStyle = await list.evaluate(
      (element) =>
        (globalThis as unknown as InPage).getComputedStyle(element.shadowRoot?.querySelector("ul")).listStyleType,
    );
    expect(listStyle).toBe("none");
    expect(await list.evaluate((element) => element.shadowRoot?.adoptedStyleSheets.length)).toBe(1);

    const frame = page.frameLocator("iframe");
    await expect.poll(() => frame.getByRole("listitem").count(), { timeout: 15_000 }).toBe(5);
    expect(await frame.getByRole("heading", { level: 2 }).first().textContent()).toBe(feed.items[0]?.title);
    expect(await frame.getByRole("link").nth(1).getAttribute("target")).toBe("_top");
    // Its one stylesheet is allowed by its hash in the page's own policy.
    expect(
      await frame.locator("ul").evaluate((ul) => (globalThis as unknown as InPage).getComputedStyle(ul).listStyleType),
    ).toBe("none");
    const frameHeight = await page
      .frames()
      .find((f) => f.url().startsWith(`${SERVICE}/embed/`))
      ?.evaluate(() => (globalThis as unknown as InPage).document.body.getBoundingClientRect().height);
    // Sized by its content: five items fill less than the snippet's 520 px.
    console.log(`iframe content height: ${frameHeight} px`);
    expect(frameHeight).toBeGreaterThan(200);
    expect(frameHeight).toBeLessThan(520);

    expect(violations).toEqual([]);
    // The element's attributes, set before the script upgraded it, cost one fetch, not one each.
    expect(requests.filter((url) => url === `${SERVICE}/topics/ai/feed.json`)).toHaveLength(1);
    await page.screenshot({ path: path.join(tmpdir(), "feed-service-embed.png"), fullPage: true });
    await page.close();
  });

  it("shows a visible focus ring when the keyboard reaches a link", async () => {
    const { page } = await open("/strict");
    await expect.poll(() => page.locator("#ai").getByRole("listitem").count(), { timeout: 15_000 }).toBe(5);
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const { document, getComputedStyle } = globalThis as unknown as InPage;
      const active = document.activeElement?.shadowRoot?.activeElement;
      const style = active && getComputedStyle(active);
      return { part: active?.getAttribute("part"), outline: style?.outlineStyle, width: style?.outlineWidth };
    });
    expect(focused).toEqual({ part: "link", outline: "solid", width: "2px" });
    await page.close();
  });

  it("takes the host's custom properties and ::part rules, and leaves out hidden parts", async () => {
    const { page, violations } = await open("/styled");
    const list = page.locator("feed-list");
    await expect.poll(() => list.getByRole("listitem").count(), { timeout: 15_000 }).toBe(2);
    const styles = await list.evaluate((element) => {
      const { getComputedStyle } = globalThis as unknown as InPage;
      const root = element.shadowRoot as NonNullable<typeof element.shadowRoot>;
      const link = root.querySelector("[part~=link]") as Element;
      const heading = root.querySelector("[part~=heading]") as Element;
      return {
        color: getComputedStyle(link).color,
        size: getComputedStyle(heading).fontSize,
        excerpts: root.querySelectorAll("[part~=excerpt]").length,
        images: root.querySelectorAll("img").length,
      };
    });
    expect(styles).toEqual({ color: "rgb(1, 2, 3)", size: "30px", excerpts: 0, images: 0 });
    expect(violations).toEqual([]);
    await page.close();
  });

  it("renders a hostile feed's text as text, and never follows its javascript: URLs, under Trusted Types", async () => {
    const { page, violations } = await open("/hostile");
    const list = page.locator("feed-list");
    await expect.poll(() => list.getByRole("listitem").count(), { timeout: 15_000 }).toBe(2);
    const shown = await list.evaluate((element) => {
      const root = element.shadowRoot as NonNullable<typeof element.shadowRoot>;
      const text = (part: string) => [...root.querySelectorAll(`[part~=${part}]`)].map((node) => node.textContent);
      return {
        header: text("header"),
        headings: text("heading"),
        providers: text("provider"),
        excerpts: text("excerpt"),
        links: [...root.querySelectorAll("a")].map((a) => a.href),
        elements: [...root.querySelectorAll("*")].map((node) => node.localName),
        pwned: (globalThis as unknown as InPage).pwned,
      };
    });
    expect(shown.header).toEqual([hostileFeed.title]);
    expect(shown.headings).toEqual([HOSTILE.title, "A javascript: link is no link"]);
    expect(shown.providers).toEqual([HOSTILE.author]);
    expect(shown.excerpts).toEqual([HOSTILE.summary]);
    expect(shown.links).toEqual(["https://example.org/1"]);
    expect(shown.elements).not.toContain("img");
    expect(shown.elements).not.toContain("script");
    expect(shown.elements).not.toContain("b");
    expect(shown.pwned).toBeUndefined();
    expect(violations).toEqual([]);
    await page.close();
  });

  it("shows the host's fallback, or a link to the feed, when the feed cannot be fetched", async () => {
    const { page, violations } = await open("/failing");
    const missing = page.locator("#missing");
    await expect
      .poll(
        () =>
          missing.evaluate(
            (element) => element.shadowRoot?.querySelector("slot") !== null && !element.hasAttribute("aria-busy"),
          ),
        {
          timeout: 15_000,
        },
      )
      .toBe(true);
    expect(await missing.getByRole("link").textContent()).toBe("Our feeds");
    expect(await missing.getByRole("listitem").count()).toBe(0);
    const blocked = page.locator("#blocked");
    await expect
      .poll(() => shadowLinks(page, "#blocked"), { timeout: 15_000 })
      .toEqual([{ text: "Open the feed", href: `${OTHER}/feed.json` }]);
    expect(await blocked.getByRole("link", { name: "Open the feed" }).isVisible()).toBe(true);
    // The policy did block the other origin: the reports above are seen when they happen.
    expect(violations.some((text) => text.includes("connect-src") && text.includes(OTHER))).toBe(true);
    await page.screenshot({ path: path.join(tmpdir(), "feed-service-embed-fallback.png") });
    await page.close();
  });
});
