// Which typed URLs redirect where, before any store is asked (pure).
import { describe, expect, it } from "vitest";
import { redirectFor } from "./redirects.js";

describe("redirectFor", () => {
  it.each([
    ["/feed", "/rss.xml"],
    ["/feed/", "/rss.xml"],
    ["/index.xml", "/rss.xml"],
    ["/atom", "/atom.xml"],
    ["/index.html", "/"],
  ])("sends %s to %s without naming a term", (from, to) => {
    expect(redirectFor(from)).toEqual({ path: to });
  });

  it.each([
    ["/topics/ai", "/topics/ai/", "topic", "ai", "ai"],
    ["/topics/AI/rss.xml", "/topics/ai/rss.xml", "topic", "ai", "AI"],
    ["/providers/BBC%20News/feed", "/providers/bbc-news/rss.xml", "provider", "bbc-news", "BBC News"],
    ["/categories/%C3%89nergie/", "/categories/energie/", "category", "energie", "Énergie"],
    [
      "/topics/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD",
      "/topics/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/",
      "topic",
      "人工智能",
      "人工智能",
    ],
    ["/embed/topics/AI/", "/embed/topics/ai/", "topic", "ai", "AI"],
  ])("sends %s to %s if the %s %s exists", (from, path, kind, slug, asked) => {
    expect(redirectFor(from)).toEqual({ path, term: { kind, slug, asked } });
  });

  it.each([
    "/",
    "/rss.xml",
    "/topics/ai/",
    "/topics/ai/rss.xml",
    "/topics/",
    "/topics/AI/nothing.xml",
    "/topics/%E0%A4%A/",
    "/topics/---/",
    "/embed/topics/ai/feed",
    "/site.css",
  ])("leaves %s alone", (path) => {
    expect(redirectFor(path)).toBeUndefined();
  });
});
