// The renderers' per-article memo: each recently used article is rendered once per
// format, the memo stays bounded, and a change of site renders afresh.
import { env } from "cloudflare:workers";
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { siteConfig } from "../src/config.js";
import { constantPart, joinParts, memoPerArticle } from "../src/feed/memo.js";
import { feedView } from "../src/feed/view.js";
import { article } from "./support/app.js";

const DOC = { key: "all", homeUrl: "/", links: { rss: "", atom: "", json: "" }, nav: {}, archive: false };
const decode = ({ bytes }: { bytes: Uint8Array }) => new TextDecoder().decode(bytes);
const sha256 = (bytes: Uint8Array) => new Uint8Array(createHash("sha256").update(bytes).digest());

function counted(capacity: number) {
  const rendered: string[] = [];
  const item = memoPerArticle((view, a) => {
    rendered.push(a.id);
    return `<${view.tagPrefix}${a.title}>`;
  }, capacity);
  return { item, rendered };
}

/** Four articles whose items have the same size. */
const fourArticles = () =>
  [
    article({ title: "aaaa" }),
    article({ title: "bbbb" }),
    article({ title: "cccc" }),
    article({ title: "dddd" }),
  ] as const;

describe("the item memo", () => {
  const view = feedView(siteConfig(env), DOC, []);

  it("renders an article once, and gives the same bytes again", () => {
    const { item, rendered } = counted(10_000);
    const a = article({ title: "Énergie ✓" });
    const first = item(view, a);
    expect(item(view, a)).toBe(first);
    expect(rendered).toEqual([a.id]);
    expect(decode(first)).toBe(`<${view.tagPrefix}Énergie ✓>`);
  });

  it("keeps only the most recently used articles, within its byte bound", () => {
    const [a, b, c, d] = fourArticles();
    // Room for three items of this size: `<` + prefix + four letters + `>`.
    const { item, rendered } = counted(3 * (view.tagPrefix.length + 6));
    for (const x of [a, b, c, a, d]) item(view, x); // d evicts b, the least recently used
    rendered.length = 0;
    for (const x of [a, c, d]) item(view, x);
    expect(rendered).toEqual([]);
    item(view, b);
    expect(rendered).toEqual([b.id]);
  });

  it("keeps the item it just rendered, and drops the least recently used, when every other was used", () => {
    const [a, b, c, d] = fourArticles();
    const { item, rendered } = counted(3 * (view.tagPrefix.length + 6));
    for (const x of [a, b, c, a, b, c, d]) item(view, x); // all three used since; d evicts one
    rendered.length = 0;
    for (const x of [d, b, c]) item(view, x);
    expect(rendered).toEqual([]);
    item(view, a); // the least recently used of a, b and c
    expect(rendered).toEqual([a.id]);
  });

  it("never keeps an item larger than its whole bound", () => {
    const { item, rendered } = counted(8);
    const big = article({ title: "x".repeat(100) });
    item(view, big);
    item(view, big);
    expect(rendered).toEqual([big.id, big.id]);
  });

  it("renders afresh for another site", () => {
    const { item, rendered } = counted(10_000);
    const a = article();
    const other = feedView(siteConfig({ ...env, SITE_URL: "https://feeds.example.org" }), DOC, []);
    expect(decode(item(view, a))).not.toBe(decode(item(other, a)));
    expect(rendered).toEqual([a.id, a.id]);
  });

  it("joins text and parts into one UTF-8 document", () => {
    expect(decode(joinParts(["<a>", constantPart("é🎉"), "</a>"]))).toBe("<a>é🎉</a>");
    expect(joinParts([]).bytes).toEqual(new Uint8Array());
  });

  it("keeps each item's SHA-256, and gives a document an ETag that moves exactly with its parts", () => {
    const { item } = counted(10_000);
    const a = article({ title: "Énergie ✓" });
    const part = item(view, a);
    expect(new Uint8Array(part.digest)).toEqual(sha256(part.bytes));
    const doc = joinParts(["<feed>", part, "</feed>"]);
    expect(doc.etag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    expect(joinParts(["<feed>", item(view, a), "</feed>"]).etag).toBe(doc.etag);
    // Any change of any part's bytes changes it, also one that keeps the total length.
    const others = [
      joinParts(["<feed>", part, "</feed> "]),
      joinParts(["<feeD>", part, "</feed>"]),
      joinParts(["<feed>", item(view, article({ title: "Énergie ✗" })), "</feed>"]),
      joinParts(["<feed>", part, part, "</feed>"]),
      joinParts(["<feed>", "</feed>"]),
    ];
    for (const other of others) expect(other.etag).not.toBe(doc.etag);
  });
});
