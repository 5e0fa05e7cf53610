// Markdown bodies with raw HTML: hostile inputs (OWASP filter-evasion vectors and friends)
// rendered, then parsed back with parse5 (the HTML standard's parsing, as a browser reads
// it), and every element, attribute and URL checked against the allow-list.
import fc from "fast-check";
import { type DefaultTreeAdapterMap, parseFragment } from "parse5";
import { describe, expect, it } from "vitest";
import { HTML_ALLOW_LIST, renderMarkdown, safeUrl, sanitisedRender } from "./markdown.js";

type Node = DefaultTreeAdapterMap["childNode"];
type Element = DefaultTreeAdapterMap["element"];

function elements(html: string): Element[] {
  const found: Element[] = [];
  const walk = (nodes: Node[]) => {
    for (const node of nodes) {
      if ("tagName" in node) {
        found.push(node);
        walk(node.childNodes);
        if (node.tagName === "template") walk((node as DefaultTreeAdapterMap["template"]).content.childNodes);
      }
    }
  };
  walk(parseFragment(html).childNodes);
  return found;
}

function textOf(html: string): string {
  const parts: string[] = [];
  const walk = (nodes: Node[]) => {
    for (const node of nodes) {
      if (node.nodeName === "#text") parts.push((node as DefaultTreeAdapterMap["textNode"]).value);
      else if (node.nodeName === "#comment")
        parts.push(`<!--${(node as DefaultTreeAdapterMap["commentNode"]).data}-->`);
      else if ("childNodes" in node) walk(node.childNodes);
    }
  };
  walk(parseFragment(html).childNodes);
  return parts.join("");
}

const FORBIDDEN_TAGS = [
  ...["script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "form"],
  ...[
    "input",
    "button",
    "textarea",
    "select",
    "base",
    "link",
    "meta",
    "template",
    "noscript",
    "video",
    "source",
    "body",
  ],
];

const ALLOWED_ATTRIBUTES: Record<string, readonly string[]> = HTML_ALLOW_LIST.allowedAttributes;

/** What the URL parser makes of an attribute's value, as a browser would resolve it on another site. */
const schemeOf = (value: string) => new URL(value, "https://reader.example/page").protocol;

/**
 * Not a tag to CommonMark (a backtick value, no space before an attribute, an autolink):
 * the writer's text, shown escaped as written, never an element.
 */
const SHOWN_AS_TEXT = new Set([
  "<IMG SRC=`javascript:alert(1)`>",
  "<IMG SRC= onmouseover=alert(1)>",
  "<svg/onload=alert(1)>",
  "<https://ok.example/> and <javascript:alert(1)>",
  "[click me](<java\nscript:alert(1)>)",
]);

/** Every way a hostile body has been seen to run script, load a frame, or style the page. */
const HOSTILE: string[] = [
  ...SHOWN_AS_TEXT,
  "<script>alert(1)</script>",
  "<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>",
  "<scr<script>ipt>alert(1)</script>",
  '<IMG SRC="javascript:alert(1);">',
  "<IMG SRC=javascript:alert(1)>",
  "<IMG SRC=JaVaScRiPt:alert(1)>",
  '<IMG """><SCRIPT>alert(1)</SCRIPT>">',
  "<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>",
  '<IMG SRC=# onmouseover="alert(1)">',
  "<IMG onmouseover=alert(1)>",
  "<IMG SRC=/ onerror=alert(1)></img>",
  "<img src=x onerror=alert(1)>",
  "<img src=https://ok.example/x.png onerror=alert(1)>",
  "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#39;&#41;>",
  "<IMG SRC=&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)>",
  "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x27&#x29>",
  '<IMG SRC="jav\tascript:alert(1);">',
  '<IMG SRC="jav&#x09;ascript:alert(1);">',
  '<IMG SRC="jav&#x0A;ascript:alert(1);">',
  '<IMG SRC="jav&#x0D;ascript:alert(1);">',
  '<IMG SRC=" &#14;  javascript:alert(1);">',
  '<a href="\u0001javascript:alert(1)">t</a>',
  '<a href=" JAVASCRIPT:alert(1)">t</a>',
  '<a href="java\nscript:alert(1)">t</a>',
  '<a href="vbscript:msgbox(1)">t</a>',
  '<a href="VBScript:msgbox(1)">t</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">t</a>',
  '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
  '<a href="//evil.example/">t</a>',
  '<a href="/relative">t</a>',
  '<a href="https://ok.example/" onclick="alert(1)" style="color:red" target="_blank">t</a>',
  "<BODY ONLOAD=alert(1)>",
  "<svg><script>alert(1)</script></svg>",
  "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
  "<iframe src=https://evil.example/></iframe>",
  '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
  "<frameset><frame src=https://evil.example/></frameset>",
  '<object data="https://evil.example/x.swf"></object>',
  '<embed src="https://evil.example/x.swf">',
  '<STYLE>li {list-style-image: url("javascript:alert(1)");}</STYLE><UL><LI>XSS</br>',
  '<DIV STYLE="background-image: url(javascript:alert(1))">',
  '<div style="width: expression(alert(1));">',
  '<LINK REL="stylesheet" HREF="https://evil.example/xss.css">',
  '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert(1);">',
  '<BASE HREF="javascript:alert(1);//">',
  '<form action="https://evil.example/"><input name=x><button formaction=javascript:alert(1)>b</button></form>',
  "<details open ontoggle=alert(1)>",
  '<video><source onerror="alert(1)"></video>',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  "<template><img src=x onerror=alert(1)></template>",
  "<textarea><script>alert(1)</script></textarea>",
  "<!--<img src=x onerror=alert(1)>-->",
  "<![CDATA[<img src=x onerror=alert(1)>]]>",
  '<a href="https://ok.example/"><img src=x onerror=alert(1)></a>',
  '<img src="https://ok.example/x.png" alt="x" width="10 onerror=alert(1)" height="100%">',
  "<p id=clobber name=x class=evil>p</p>",
  '<table background="javascript:alert(1)"><tr><td onclick=alert(1)>c</td></tr></table>',
  "[click me](javascript:alert(1))",
  "[click me](JAVASCRIPT:alert(1))",
  "[click me](&#106;avascript:alert(1))",
  "[click me](<javascript:alert(1)>)",
  "[click me](vbscript:msgbox(1))",
  "[click me](data:text/html,<script>alert(1)</script>)",
  "![alt text](javascript:alert(1))",
  "![alt text](data:image/png;base64,AAAA)",
  "[ref link][x]\n\n[x]: javascript:alert(1)",
  '<a href="https://ok.example/x" title="&quot; onmouseover=&quot;alert(1)">t</a>',
  // Markdown alone, no raw HTML (the path that skips sanitize-html): markdown-it's escaping and safeUrl.
  "[click me](javascript&#58;alert(1))",
  "[click me](<java\nscript:alert(1)>)",
  "[click me](https://ok.example/%22%20onmouseover=%22alert(1))",
  '[click me](https://ok.example/ "x&quot; onmouseover=&quot;alert(1)")',
  '![x" onerror="alert(1)](https://ok.example/x.png)',
  "![click me](https://ok.example/x.png 'onerror=alert(1)')",
  '[click me][r]\n\n[r]: <javascript:alert(1)> "t"',
  "[![click me](javascript:alert(1))](vbscript:msgbox(1))",
];

describe("raw HTML through the allow-list", () => {
  it.each(HOSTILE)("keeps nothing that can run, load or style: %s", (body) => {
    const html = renderMarkdown(body) ?? "";
    for (const element of elements(html)) {
      // Independently of the allow-list: what must never be in it.
      expect(FORBIDDEN_TAGS, html).not.toContain(element.tagName);
      for (const { name } of element.attrs) expect(name, html).not.toMatch(/^on|^style$|^srcdoc$|action$|^background$/);
      expect(HTML_ALLOW_LIST.allowedTags, `<${element.tagName}> in ${html}`).toContain(element.tagName);
      for (const { name, value } of element.attrs) {
        expect(ALLOWED_ATTRIBUTES[element.tagName] ?? [], `${name} on <${element.tagName}> in ${html}`).toContain(name);
        if (name === "href" || name === "src") expect(["http:", "https:", "mailto:"]).toContain(schemeOf(value));
        if (name === "href" || name === "src") expect(value, html).toMatch(/^(https?:\/\/|mailto:)/);
        if (name === "width" || name === "height") expect(value).toMatch(/^\d+$/);
        if (name === "class") expect(value).toMatch(/^language-[\w-]+$/);
      }
    }
    // Removed, not shown: no payload survives as text either.
    if (SHOWN_AS_TEXT.has(body)) return;
    const text = textOf(html);
    for (const payload of ["alert", "msgbox", "<script", "onerror", "javascript:", "<iframe", "evil.example"]) {
      expect(text.toLowerCase(), html).not.toContain(payload.toLowerCase());
    }
  });

  it("keeps the safe elements and attributes", () => {
    const html = renderMarkdown(
      [
        '<figure><img src="https://img.example/a.png" alt="A chart" width="640" height="480"><figcaption>CO<sub>2</sub>, 10<sup>6</sup> t</figcaption></figure>',
        "",
        '<table><caption>Results</caption><thead><tr><th scope="col">a</th></tr></thead><tbody><tr><td colspan="2">1</td></tr></tbody></table>',
        "",
        '<p>See <a href="https://example.com/x" title="the source">it</a>, <abbr title="World Health Organization">WHO</abbr>, <time datetime="2024-05-02">May 2</time>.</p>',
      ].join("\n"),
    ) as string;
    const byTag = (tag: string) => elements(html).filter((element) => element.tagName === tag);
    const attrs = (element: Element | undefined) =>
      Object.fromEntries((element?.attrs ?? []).map(({ name, value }) => [name, value]));
    expect(attrs(byTag("img")[0])).toEqual({
      src: "https://img.example/a.png",
      alt: "A chart",
      width: "640",
      height: "480",
    });
    for (const tag of ["figure", "figcaption", "sub", "sup", "table", "caption", "thead", "tbody", "th", "td"]) {
      expect(byTag(tag).length, tag).toBe(1);
    }
    expect(byTag("tr").length).toBe(2);
    expect(attrs(byTag("th")[0])).toEqual({ scope: "col" });
    expect(attrs(byTag("td")[0])).toEqual({ colspan: "2" });
    expect(attrs(byTag("a")[0])).toEqual({ href: "https://example.com/x", title: "the source" });
    expect(attrs(byTag("abbr")[0])).toEqual({ title: "World Health Organization" });
    expect(attrs(byTag("time")[0])).toEqual({ datetime: "2024-05-02" });
    expect(textOf(html)).toContain("CO2, 106 t");
  });

  it.each([
    ["[click me](javascript:alert(1)) now", "click me now"],
    ["![a *cat* photo](data:image/png;base64,AAAA)", "a cat photo"],
    ['<a href="javascript:alert(1)">click me</a>', "click me"],
    ['See <img src="javascript:alert(1)" alt="a chart">', "See a chart"],
    ["[relative](/about)", "relative"],
  ])("a refused URL keeps the text: %s", (body, text) => {
    const html = renderMarkdown(body) ?? "";
    expect(elements(html).map((element) => element.tagName)).not.toContain("a");
    expect(elements(html).map((element) => element.tagName)).not.toContain("img");
    expect(textOf(html)).toBe(text);
  });

  it("links and images to http(s) and mailto stay links and images", () => {
    const html =
      renderMarkdown(
        "[a](https://example.com/a?b=1&c=2) [m](mailto:desk@example.com) ![i](http://img.example/i.png)",
      ) ?? "";
    const urls = elements(html).map(
      (element) => element.attrs.find((attr) => attr.name === "href" || attr.name === "src")?.value,
    );
    expect(urls).toEqual([
      undefined,
      "https://example.com/a?b=1&c=2",
      "mailto:desk@example.com",
      "http://img.example/i.png",
    ]);
  });

  it("a refused link leaves every later closing tag as written", () => {
    expect(renderMarkdown('Note<sup><a href="#fn1">1</a></sup>\n\n<table><tr><th>a</th><td>1</td></tr></table>')).toBe(
      "<p>Note<sup>1</sup></p>\n<table><tr><th>a</th><td>1</td></tr></table>",
    );
  });

  it("a fence's info string stays the value of its class attribute", () => {
    const html = renderMarkdown('```"><script>alert(1)</script>\ncode\n```') ?? "";
    expect(elements(html).map((element) => element.tagName)).toEqual(["pre", "code"]);
    expect(elements(html)[1]?.attrs).toEqual([{ name: "class", value: 'language-"><script>alert(1)</script>' }]);
    expect(textOf(html)).toBe("code\n");
  });

  it("code stays code, shown as text", () => {
    const html = renderMarkdown("```html\n<script>alert(1)</script>\n```\n\n`<img onerror=x>`") ?? "";
    expect(elements(html).map((element) => element.tagName)).toEqual(["pre", "code", "p", "code"]);
    expect(textOf(html)).toBe("<script>alert(1)</script>\n\n<img onerror=x>");
  });
});

/** Markdown's syntax, entities, URLs and text that the HTML escaper or the URL checks treat apart. */
const MARKDOWN_PIECES = [
  ...["*", "**", "_", "`", "```", "~~~", "[", "]", "(", ")", "![", "](", "<", ">", "&", '"', "'", "\\"],
  ...["#", "## ", "- ", "1. ", "3) ", "> ", "    ", "\n", "\n\n", " ", "\t", "|", "---", "==="],
  ...["&quot;", "&amp;", "&lt;", "&gt;", "&#39;", "&#x22;", "&copy;", "&nbsp;", "&bogus;", "&#0;", "&#x2028;"],
  ...["https://a.example/x?y=1&z=2", "http://b.example/", "HTTPS://C.example/%22", "mailto:desk@example.com"],
  ...["javascript:alert(1)", "data:,x", "/relative", "//evil.example/", "ftp://x/", ' "title"', " 'title'"],
  ...["<https://a.example/>", "<desk@example.com>", "```js\n", '```a&b"c\n', "~~~ x<y\n", "[r]: https://r.example/\n"],
  ...["[r]", "é", "\u00a0", "\u2028", "\r", "人工", "\u0000", "\uFFFD", "\uD800", "a", "word", "1", "x"],
];

describe("a body without raw HTML skips sanitize-html", () => {
  const body = fc.array(fc.constantFrom(...MARKDOWN_PIECES), { maxLength: 40 }).map((parts) => parts.join(""));

  it("to the bytes sanitize-html would have written", () => {
    fc.assert(
      fc.property(body, (source) => {
        expect(renderMarkdown(source)).toBe(sanitisedRender(source));
      }),
      { numRuns: 3000 },
    );
  });

  it.each(HOSTILE)("and a hostile body renders as sanitize-html renders it: %s", (source) => {
    expect(renderMarkdown(source)).toBe(sanitisedRender(source));
  });

  it.each([
    ['a "quoted" & < escaped > word', '<p>a "quoted" &amp; &lt; escaped &gt; word</p>'],
    ['[l](https://a.example/?q="x" "t\\"")', '<p><a href="https://a.example/?q=%22x%22" title="t&quot;">l</a></p>'],
    ['```a"b\n"x"\n```', '<pre><code class="language-a&quot;b">"x"\n</code></pre>'],
    ["[<desk@example.com>](https://a.example/x)", '<p><a href="https://a.example/x">desk@example.com</a></p>'],
    [
      "[go <https://b.example/> now](https://c.example/)",
      '<p><a href="https://c.example/">go https://b.example/ now</a></p>',
    ],
    [
      "[go <https://b.example/> now](javascript:x)",
      '<p>go <a href="https://b.example/">https://b.example/</a> now</p>',
    ],
  ])("as an example: %j", (source, html) => {
    expect(renderMarkdown(source)).toBe(html);
  });
});

describe("safeUrl", () => {
  it.each([
    ["https://example.com/a", "https://example.com/a"],
    ["  HTTPS://Example.com  ", "https://example.com/"],
    ["mailto:desk@example.com", "mailto:desk@example.com"],
  ])("keeps %j", (value, url) => expect(safeUrl(value)).toBe(url));

  it.each([
    "javascript:alert(1)",
    "java\tscript:x",
    "\u0000https://example.com/",
    "data:,x",
    "vbscript:x",
    "/x",
    "//x.example/",
    "ftp://x.example/",
    "https://",
  ])("refuses %j", (value) => expect(safeUrl(value)).toBeUndefined());
});
