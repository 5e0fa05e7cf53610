// Who gets the readable HTML view: a browser tab's navigation (Fetch Metadata's
// Sec-Fetch-Dest: document) whose Accept header (RFC 9110 §12.5.1: q-values, the most
// specific range wins, case-insensitive) prefers text/html over every feed type.
import { describe, expect, it } from "vitest";
import { wantsReadableView } from "./negotiate.js";

const FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
const CHROME =
  "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7";

/** `null`: the header is absent. */
const ask = (accept: string | null, dest: string | null = "document") => {
  const headers = new Headers();
  if (accept !== null) headers.set("Accept", accept);
  if (dest !== null) headers.set("Sec-Fetch-Dest", dest);
  return wantsReadableView(headers);
};

describe("wantsReadableView", () => {
  it.each([
    ["Firefox's navigation", FIREFOX],
    ["Chrome's navigation", CHROME],
    ["HTML only", "text/html"],
    ["HTML in capitals", "TEXT/HTML"],
    ["the most specific range winning", "text/html;q=0.9, text/*;q=0.1, */*;q=0.1"],
    ["feeds accepted, but less", "text/html, application/rss+xml;q=0.5, application/atom+xml;q=0.5"],
  ])("gives %s the HTML view", (_what, accept) => {
    expect(ask(accept)).toBe(true);
  });

  it.each([
    ["no Sec-Fetch-Dest (a feed reader, curl)", FIREFOX, null],
    ["fetch() from a page", FIREFOX, "empty"],
    ["an iframe", FIREFOX, "iframe"],
    ["no Accept header", null, "document"],
    ["*/* alone (HTML no better than a feed)", "*/*", "document"],
    ["HTML refused", "text/html;q=0, */*", "document"],
    ["a feed reader's preference", "application/rss+xml, application/atom+xml;q=0.9, text/html;q=0.1", "document"],
    ["a tie between HTML and Atom", "application/atom+xml, text/html", "document"],
    ["a tie with JSON Feed", "text/html;q=0.8, application/feed+json;q=0.8", "document"],
    ["XML preferred", "application/xml, text/html;q=0.5", "document"],
  ])("gives %s the feed", (_what, accept, dest) => {
    expect(ask(accept, dest)).toBe(false);
  });
});
