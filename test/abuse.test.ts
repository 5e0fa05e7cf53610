// Abusive requests: every one gets a small 4xx problem with CORS, never a 500, and
// never a cache entry. Private fields and drafts appear in no response of any kind.
import { describe, expect, inject, it } from "vitest";
import { article, fixtureApp, worker } from "./support/app.js";

const LONG = "a".repeat(5000);

const CASES: [string, string, RequestInit | undefined, number][] = [
  ["a huge limit", "/rss.xml?limit=99999999999999999999", undefined, 400],
  ["a negative limit", "/atom.xml?limit=-5", undefined, 400],
  ["a limit in exponent form", "/feed.json?limit=1e1", undefined, 400],
  ["an array of limits", "/feed.json?limit=1&limit=2", undefined, 400],
  ["a bracketed array", "/feed.json?limit[]=1", undefined, 200],
  ["a NUL in a parameter", "/rss.xml?topic=%00", undefined, 400],
  ["an invalid percent-encoding in a parameter", "/rss.xml?limit=%FF", undefined, 400],
  ["an invalid percent-encoding in a slug", "/topics/%E0%A4%A/rss.xml", undefined, 404],
  ["an encoded slash in a slug", "/topics/ai%2Frss.xml", undefined, 404],
  ["a script in a slug", "/topics/%3Cscript%3E/atom.xml", undefined, 404],
  ["an unknown format", "/feed.rss", undefined, 404],
  ["an upper-case file name", "/RSS.XML", undefined, 404],
  ["a trailing slash", "/rss.xml/", undefined, 404],
  ["an unknown slug", "/providers/nobody/rss.xml", undefined, 404],
  ["a very long path", `/topics/${LONG}/rss.xml`, undefined, 414],
  ["a very long query", `/rss.xml?x=${LONG}`, undefined, 414],
  ["a long known parameter", `/rss.xml?topic=${"a".repeat(300)}`, undefined, 400],
  ["a position past the oldest article", "/rss.xml?before=0.a", undefined, 404],
  ["a position with an out-of-range time", "/rss.xml?before=12345678901234567.a", undefined, 400],
  ["a long position", `/rss.xml?before=1.${"a".repeat(300)}`, undefined, 400],
  ["a position that is not one", "/rss.xml?before=1e9.a", undefined, 400],
  ["an archive of a month that is not one", "/archive/2026-00/rss.xml", undefined, 404],
  ["POST", "/rss.xml", { method: "POST", body: "x" }, 405],
  ["PUT", "/feed.json", { method: "PUT", body: "{}" }, 405],
  ["DELETE", "/", { method: "DELETE" }, 405],
  ["TRACE-like PATCH", "/atom.xml", { method: "PATCH" }, 405],
];

describe("abusive requests", () => {
  it.each(CASES)("%s gets %4$i, a problem document, CORS, and no cache entry", async (_, path, init, status) => {
    const fetchFeed = fixtureApp([article()]);
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await fetchFeed(path, init);
      expect(response.status).toBe(status);
      expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
      expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
      if (status === 200) return;
      expect(response.headers.get("Content-Type")).toBe("application/problem+json; charset=utf-8");
      expect(response.headers.get("Cache-Control")).toBe("no-store");
      expect(response.headers.get("X-Cache")).toBeNull();
      const body = await response.text();
      expect(body.length).toBeLessThan(1024);
      expect(JSON.parse(body).status).toBe(status);
      expect(body).not.toContain("<script>");
    }
  });

  it("answers 405 with the methods it allows", async () => {
    const response = await fixtureApp([])("/rss.xml", { method: "POST" });
    expect(response.headers.get("Allow")).toBe("GET, HEAD, OPTIONS");
  });
});

describe("nothing private leaves the service", () => {
  const paths = [
    "/",
    "/feeds.opml",
    "/rss.xml?limit=100",
    "/atom.xml?limit=100",
    "/feed.json?limit=100",
    "/providers/nature/rss.xml",
    "/topics/ai-in-healthcare/atom.xml",
    "/topics/ai-in-healthcare/",
    "/rss.xml?limit=0",
    "/topics/unknown/rss.xml",
  ];

  it.each(paths)("%s names no draft and no secured payload, in body or headers", async (path) => {
    const response = await worker(path);
    const everything = `${[...response.headers].join("\n")}\n${await response.text()}`;
    for (const id of inject("draftIds")) expect(everything).not.toContain(id);
    for (const secret of inject("securedValues")) expect(everything).not.toContain(secret.slice(0, 24));
    expect(everything).not.toContain("secured");
  });
});
