// The embed: /embed.js (the <feed-list> script) and the iframe pages of /embed/<view>/.
// Pages are read back with workerd's own HTML parser (HTMLRewriter), not with the renderer.
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { Article } from "../src/content/article.js";
import { article, NOW, worker } from "./support/app.js";
import { STORE_KINDS, storeApp } from "./support/stores.js";

const MINUTE = 60_000;
const AI = { label: "AI", slug: "ai" };
const NATURE = { name: "Nature", slug: "nature", domain: "nature.com", url: "https://nature.com/" };
const at = (ms: number) => ({ publishedMs: ms, published: new Date(ms).toISOString().replace(".000Z", "Z") });
const HOSTILE_TITLE = `</a><script>alert(1)</script><img src=x onerror="alert(2)"> & "quotes"`;
const HOSTILE_SUMMARY = "<b>bold</b> <iframe src=javascript:alert(3)></iframe>";

interface Parsed {
  /** Tag names of every element, in document order. */
  elements: string[];
  /** Every attribute name seen, on any element. */
  attributes: string[];
  items: { title: string; href: string | null; target: string | null; meta: string; excerpt: string }[];
  images: string[];
  header: string;
}

/** HTMLRewriter hands over text and attribute values as they stand in the source. */
const decode = (s: string) =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");

/** Reads an embed page with HTMLRewriter: what a browser's parser would build from it. */
async function parse(response: Response): Promise<Parsed> {
  const parsed: Parsed = { elements: [], attributes: [], items: [], images: [], header: "" };
  type Item = Parsed["items"][number];
  const last = () => parsed.items.at(-1) as Item;
  const append = (field: "title" | "meta" | "excerpt") => (chunk: Text) => {
    last()[field] += chunk.text;
  };
  const rewriter = new HTMLRewriter()
    .on("*", {
      element(el) {
        parsed.elements.push(el.tagName);
        for (const [name] of el.attributes) parsed.attributes.push(name as string);
      },
    })
    .on("h1", {
      text(chunk) {
        parsed.header += chunk.text;
      },
    })
    .on("li h2 a", {
      element(el) {
        const attribute = (name: string) => {
          const value = el.getAttribute(name);
          return value === null ? null : decode(value);
        };
        parsed.items.push({ title: "", href: attribute("href"), target: attribute("target"), meta: "", excerpt: "" });
      },
      text: append("title"),
    })
    .on("li .meta", { text: append("meta") })
    .on("li .excerpt", { text: append("excerpt") })
    .on("li img", {
      element(el) {
        parsed.images.push(decode(el.getAttribute("src") ?? ""));
      },
    });
  await rewriter.transform(response).text();
  // Text arrives in chunks that may split an entity: decoded once it is whole.
  for (const item of parsed.items) {
    item.title = decode(item.title);
    item.meta = decode(item.meta);
    item.excerpt = decode(item.excerpt);
  }
  parsed.header = decode(parsed.header);
  return parsed;
}

function corpus(): Article[] {
  return [
    article({
      id: "hostile",
      ...at(NOW - MINUTE),
      title: HOSTILE_TITLE,
      summary: HOSTILE_SUMMARY,
      url: `https://news.example.com/a?x=1&y="2"`,
      topics: [AI],
      provider: { ...NATURE, name: "<Nature & co>" },
      images: [{ url: "https://img.example.com/1.jpg?a=1&b=2" }],
    }),
    ...Array.from({ length: 8 }, (_, i) =>
      article({ id: `plain-${i}`, ...at(NOW - (i + 2) * MINUTE), topics: i % 2 ? [AI] : [], provider: NATURE }),
    ),
    article({ id: "scheduled", ...at(NOW + 2 * MINUTE), title: "Not yet", topics: [AI] }),
  ];
}

describe("/embed.js", () => {
  it("serves the script with its type, a strong ETag, revalidating cache headers and CORS", async () => {
    const response = await worker("/embed.js");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/javascript; charset=utf-8");
    expect(response.headers.get("Cache-Control")).toBe("public, max-age=3600, stale-while-revalidate=86400");
    expect(response.headers.get("ETag")).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(response.headers.get("Cross-Origin-Resource-Policy")).toBe("cross-origin");
    const source = await response.text();
    expect(source).toContain('"feed-list"');
    expect(source).toContain("customElements.define(");
  });

  it("stays under 5 KB gzipped", async () => {
    const bytes = new Uint8Array(await (await worker("/embed.js")).arrayBuffer());
    const gzipped = gzipSync(bytes, { level: 9 }).length;
    expect(gzipped).toBeGreaterThan(500);
    expect(gzipped).toBeLessThan(5 * 1024);
  });

  it("writes no HTML from strings and evaluates no code", async () => {
    const source = await (await worker("/embed.js")).text();
    for (const sink of [
      "innerHTML",
      "outerHTML",
      "insertAdjacentHTML",
      "document.write",
      "eval(",
      "Function(",
      'setAttribute("style',
    ]) {
      expect(source, sink).not.toContain(sink);
    }
  });

  it("answers a matching If-None-Match with 304, and HEAD with the headers", async () => {
    const first = await worker("/embed.js");
    const etag = first.headers.get("ETag") as string;
    const revalidated = await worker("/embed.js", { headers: { "If-None-Match": `W/${etag}` } });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get("ETag")).toBe(etag);
    expect(revalidated.headers.get("Cache-Control")).toBe(first.headers.get("Cache-Control"));
    expect(await revalidated.text()).toBe("");
    const head = await worker("/embed.js", { method: "HEAD" });
    expect(head.headers.get("Content-Type")).toBe("text/javascript; charset=utf-8");
    expect(await head.text()).toBe("");
  });

  it("serves the same bytes at a versioned, immutable address named by their hash", async () => {
    const stable = new Uint8Array(await (await worker("/embed.js")).arrayBuffer());
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", stable));
    const version = [...digest.slice(0, 8)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
    const pinned = await worker(`/embed.${version}.js`);
    expect(pinned.status).toBe(200);
    expect(pinned.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    expect(new Uint8Array(await pinned.arrayBuffer())).toEqual(stable);
    expect((await worker("/embed.0123456789abcdef.js")).status).toBe(404);
  });
});

describe.each(STORE_KINDS)("/embed/<view>/ with the %s store", (kind) => {
  it("renders hostile titles, excerpts and names as text, in a page that may be framed anywhere", async () => {
    const fetchPage = storeApp(kind, corpus());
    const response = await fetchPage("/embed/topics/ai/");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    const csp = response.headers.get("Content-Security-Policy") as string;
    expect(csp.split("; ")).toEqual(
      expect.arrayContaining(["default-src 'none'", "frame-ancestors *", "base-uri 'none'", "form-action 'none'"]),
    );
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/]+=*'/);
    expect(csp).not.toContain("script-src");
    expect(response.headers.get("X-Frame-Options")).toBeNull();
    const page = await parse(response);
    expect(page.elements).not.toContain("script");
    expect(page.elements).not.toContain("iframe");
    expect(page.elements).not.toContain("b");
    expect(page.attributes).not.toContain("onerror");
    expect(page.header).toBe("AI — Signal Digest");
    expect(page.items[0]).toEqual({
      title: HOSTILE_TITLE,
      href: `https://news.example.com/a?x=1&y="2"`,
      target: "_top",
      meta: "<Nature & co> · Jun 1, 2026",
      excerpt: HOSTILE_SUMMARY,
    });
    expect(page.images).toEqual(["https://img.example.com/1.jpg?a=1&b=2"]);
    // The five newest AI articles (the default limit); the scheduled one is not visible yet.
    expect(page.items.map((item) => item.title)).toHaveLength(5);
    expect(page.items.map((item) => item.title)).not.toContain("Not yet");
  });

  it("allows the page's one stylesheet by its hash", async () => {
    const response = await storeApp(kind, corpus())("/embed/");
    const csp = response.headers.get("Content-Security-Policy") as string;
    const body = await response.text();
    const css = body.match(/<style>([\s\S]*?)<\/style>/)?.[1] as string;
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(css)));
    expect(csp).toContain(`'sha256-${btoa(String.fromCharCode(...digest))}'`);
    expect(body.match(/<style/g)).toHaveLength(1);
    expect(body).not.toMatch(/\sstyle=/);
  });

  it("takes limit, hide and the feed's filters, and keys the cache canonically", async () => {
    const fetchPage = storeApp(kind, corpus());
    const all = await parse(await fetchPage("/embed/?limit=3&hide=excerpt,image"));
    expect(all.items).toHaveLength(3);
    expect(all.items.every((item) => item.excerpt === "")).toBe(true);
    expect(all.images).toEqual([]);
    expect(all.header).toBe("Signal Digest");
    const same = await fetchPage("/embed/?utm_source=x&hide=IMAGE%20excerpt,image&limit=03");
    expect(same.headers.get("X-Cache")).toBe("HIT");
    const bare = await parse(await fetchPage("/embed/?hide=header,provider,date&provider=nature&limit=9"));
    expect(bare.header).toBe("");
    expect(bare.items.map((item) => item.meta)).toEqual(Array(9).fill(""));
  });

  it("answers a matching If-None-Match with 304 and the same policy", async () => {
    const fetchPage = storeApp(kind, corpus());
    const first = await fetchPage("/embed/topics/ai/");
    const again = await fetchPage("/embed/topics/ai/", {
      headers: { "If-None-Match": first.headers.get("ETag") as string },
    });
    expect(again.status).toBe(304);
    expect(again.headers.get("Content-Security-Policy")).toBe(first.headers.get("Content-Security-Policy"));
  });

  it("caps its lifetime at the next scheduled article, like the feed", async () => {
    const response = await storeApp(kind, corpus())("/embed/topics/ai/");
    const maxAge = Number(/max-age=(\d+)/.exec(response.headers.get("Cache-Control") as string)?.[1]);
    expect(maxAge).toBeLessThanOrEqual(120);
    expect(maxAge).toBeGreaterThan(0);
  });

  it.each([
    ["/embed/topics/no-such-topic/", 404, undefined],
    ["/embed/providers/nope/", 404, undefined],
    ["/embed/topics/ai/?hide=everything", 400, "hide"],
    ["/embed/?limit=0", 400, "limit"],
    ["/embed/?limit=101", 400, "limit"],
    ["/embed/?hide=image&hide=date", 400, "hide"],
    ["/embed/?topic=nope", 400, "topic"],
  ])("answers %s with %i", async (path, status, param) => {
    const response = await storeApp(kind, corpus())(path);
    expect(response.status).toBe(status);
    expect(response.headers.get("Content-Type")).toBe("application/problem+json; charset=utf-8");
    const problem = (await response.json()) as { invalid_params?: { name: string }[] };
    if (param) expect(problem.invalid_params?.map((p) => p.name)).toEqual([param]);
  });
});

describe("the term page's snippet", () => {
  it("offers the script and iframe snippets for the view, with the label escaped for both", async () => {
    const hostile = { label: `<AI & "ML">`, slug: "ai-ml" };
    const fetchPage = storeApp("bundled", [article({ ...at(NOW - MINUTE), topics: [hostile] })]);
    const body = await (await fetchPage("/topics/ai-ml/")).text();
    const codes = [...body.matchAll(/<pre><code>([\s\S]*?)<\/code><\/pre>/g)].map((m) => m[1]);
    expect(codes).toEqual([
      `&lt;script src=&quot;http://127.0.0.1:8787/embed.js&quot; async&gt;&lt;/script&gt;
&lt;feed-list src=&quot;http://127.0.0.1:8787/topics/ai-ml/feed.json&quot; limit=&quot;5&quot;&gt;
  &lt;a href=&quot;http://127.0.0.1:8787/topics/ai-ml/&quot;&gt;&amp;lt;AI &amp;amp; &amp;quot;ML&amp;quot;&amp;gt;&lt;/a&gt;
&lt;/feed-list&gt;`,
      `&lt;iframe src=&quot;http://127.0.0.1:8787/embed/topics/ai-ml/&quot; title=&quot;&amp;lt;AI &amp;amp; &amp;quot;ML&amp;quot;&amp;gt;&quot; width=&quot;100%&quot; height=&quot;520&quot; loading=&quot;lazy&quot;&gt;&lt;/iframe&gt;`,
    ]);
  });
});
