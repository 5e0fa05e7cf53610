// HTTP behaviour around the feeds: methods, unknown paths, the home page.
import { describe, expect, it } from "vitest";
import { worker } from "./support/app.js";

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
      headers: { Origin: "https://app.example", "Access-Control-Request-Method": "GET" },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(response.headers.get("Access-Control-Allow-Methods")).toContain("GET");
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
