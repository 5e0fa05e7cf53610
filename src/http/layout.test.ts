// Where a long feed address may wrap (pure).
import { describe, expect, it } from "vitest";
import { urlParts } from "./layout.js";

describe("urlParts", () => {
  it.each([
    ["https://example.org/rss.xml", ["https://", "example.org/", "rss.xml"]],
    [
      "http://127.0.0.1:8787/topics/ai/atom.xml?limit=5&type=video",
      ["http://", "127.0.0.1:8787/", "topics/", "ai/", "atom.xml", "?limit=5", "&type=video"],
    ],
    ["https://example.org/", ["https://", "example.org/"]],
  ])("splits %s only after / and before ? and &", (url, parts) => {
    expect(urlParts(url)).toEqual(parts);
    expect(urlParts(url).join("")).toBe(url);
  });
});
