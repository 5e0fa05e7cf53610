// HTTP behaviour around the feeds: methods, unknown paths, the home page.
import { describe, expect, it } from "vitest";
import { article, fixtureApp, worker } from "./support/app.js";

describe("HTTP", () => {
  it("answers HEAD with the GET headers and no body", async () => {
    const get = await worker("/atom.xml");
    const head = await worker("/atom.xml", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("Content-Type")).toBe(get.headers.get("Content-Type"));
    expect(await head.text()).toBe("");
  });

  it.each(["POST", "PUT", "DELETE", "PATCH"])("answers %s with 405 and Allow", async (method) => {
    const response = await worker("/rss.xml", { method });
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toBe("GET, HEAD, OPTIONS");
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(((await response.json()) as { status: number }).status).toBe(405);
  });

  it("answers an unknown path with a 404 problem", async () => {
    const response = await worker("/nothing-here.xml");
    expect(response.status).toBe(404);
    expect(response.headers.get("Content-Type")).toBe("application/problem+json; charset=utf-8");
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });

  it("answers a CORS preflight for the JSON feed", async () => {
    const response = await worker("/feed.json", {
      method: "OPTIONS",
      headers: {
        Origin: "https://app.example",
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "if-none-match",
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(response.headers.get("Access-Control-Allow-Methods")).toContain("GET");
    expect(response.headers.get("Access-Control-Allow-Headers")).toBe("if-none-match");
    expect(response.headers.get("Access-Control-Max-Age")).toBe("86400");
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
  });

  it("serves a home page that autodiscovers all three feeds", async () => {
    const response = await worker("/");
    expect(response.status).toBe(200);
    const html = await response.text();
    for (const [type, file] of [
      ["application/rss+xml", "rss.xml"],
      ["application/atom+xml", "atom.xml"],
      ["application/feed+json", "feed.json"],
    ] as const) {
      expect(html).toMatch(
        new RegExp(`<link rel="alternate" type="${type.replace("+", "\\+")}"[^>]*href="http://127.0.0.1:8787/${file}"`),
      );
    }
  });
});

describe("the readable view", () => {
  const BROWSER = {
    Accept: "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
    "Sec-Fetch-Dest": "document",
  };

  it.each(["/rss.xml", "/atom.xml", "/feed.json"])("shows %s to a browser as an HTML page", async (path) => {
    const fetchFeed = fixtureApp([article({ title: "A <readable> title" })]);
    const response = await fetchFeed(path, { headers: BROWSER });
    expect(response.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    const html = await response.text();
    const address = /<code class="url" id="feed-url"[^>]*>(.*?)<\/code>/.exec(html)?.[1]?.replaceAll("<wbr>", "");
    expect(address).toBe(`http://127.0.0.1:8787${path}`);
    expect(html).toContain("A &lt;readable&gt; title");
    expect(response.headers.get("Vary")).toContain("Sec-Fetch-Dest");
  });

  it.each([
    ["a feed reader", { Accept: "application/atom+xml,application/rss+xml,application/xml;q=0.9,*/*;q=0.1" }],
    ["a script in a page", { Accept: "*/*", "Sec-Fetch-Dest": "empty" }],
    ["a client that prefers HTML but is no browser tab", { Accept: "text/html" }],
    ["a browser tab asking for the feed type", { Accept: "application/rss+xml", "Sec-Fetch-Dest": "document" }],
  ])("gives %s the feed itself", async (_, headers) => {
    const fetchFeed = fixtureApp([article()]);
    await fetchFeed("/rss.xml", { headers: BROWSER });
    const response = await fetchFeed("/rss.xml", { headers });
    expect(response.headers.get("Content-Type")).toBe("application/rss+xml; charset=utf-8");
  });
});

describe("static assets", () => {
  it.each([
    ["/site.css", "text/css"],
    ["/feed.xsl", "xml"],
    ["/icon.png", "image/png"],
  ])("serves %s with CORS and nosniff", async (path, type) => {
    for (const method of ["GET", "HEAD"]) {
      const response = await worker(path, { method });
      expect(response.status).toBe(200);
      expect(response.headers.get("Content-Type")).toContain(type);
      expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
      expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
      await response.arrayBuffer();
    }
  });

  it("answers a preflight for an asset", async () => {
    const response = await worker("/site.css", { method: "OPTIONS", headers: { Origin: "https://app.example" } });
    expect(response.status).toBe(204);
    expect(response.headers.get("Access-Control-Allow-Methods")).toBe("GET, HEAD, OPTIONS");
  });

  it.each(["POST", "PUT", "DELETE"])("answers %s of an asset with 405 and Allow", async (method) => {
    const response = await worker("/feed.xsl", { method });
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toBe("GET, HEAD, OPTIONS");
  });

  it("answers a missing file with a 404 problem", async () => {
    const response = await worker("/missing.css");
    expect(response.status).toBe(404);
    expect(response.headers.get("Content-Type")).toBe("application/problem+json; charset=utf-8");
  });
});

describe("HEAD", () => {
  it("carries the Content-Length of the GET through the Worker", async () => {
    const get = await worker("/feed.json");
    const bytes = (await get.arrayBuffer()).byteLength;
    const head = await worker("/feed.json", { method: "HEAD" });
    expect(head.headers.get("Content-Length")).toBe(String(bytes));
  });
});
