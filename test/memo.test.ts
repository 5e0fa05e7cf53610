// The renderers' per-article memo: each recently used article is rendered once per
// format, the memo stays bounded, and a change of site renders afresh.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { siteConfig } from "../src/config.js";
import { joinBytes, memoPerArticle } from "../src/feed/memo.js";
import { feedView } from "../src/feed/view.js";
import { article } from "./support/app.js";

const DOC = { key: "all", homeUrl: "/", links: { rss: "", atom: "", json: "" }, nav: {}, archive: false };
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function counted(capacity: number) {
  const rendered: string[] = [];
  const item = memoPerArticle((view, a) => {
    rendered.push(a.id);
    return `<${view.tagPrefix}${a.title}>`;
  }, capacity);
  return { item, rendered };
}

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
    const [a, b, c, d] = [
      article({ title: "aaaa" }),
      article({ title: "bbbb" }),
      article({ title: "cccc" }),
      article({ title: "dddd" }),
    ];
    // Room for three items of this size: `<` + prefix + four letters + `>`.
    const { item, rendered } = counted(3 * (view.tagPrefix.length + 6));
    for (const x of [a, b, c, a, d]) item(view, x); // d evicts b, the least recently used
    rendered.length = 0;
    for (const x of [a, c, d]) item(view, x);
    expect(rendered).toEqual([]);
    item(view, b);
    expect(rendered).toEqual([b.id]);
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

  it("joins text and bytes into one UTF-8 document", () => {
    expect(decode(joinBytes(["<a>", new TextEncoder().encode("é🎉"), "</a>"]))).toBe("<a>é🎉</a>");
    expect(joinBytes([])).toEqual(new Uint8Array());
  });
});
