// Markdown bodies to safe HTML, at build time only: markdown-it renders (raw HTML
// included), then sanitize-html keeps only what HTML_ALLOW_LIST names. A body without raw
// HTML skips sanitize-html, whose answer for it is known (see asSanitised).
import MarkdownIt from "markdown-it";
import sanitizeHtml from "sanitize-html";
import { cleanText } from "./schema.js";

/**
 * The URL a body may link or embed, or undefined: absolute http(s) (as the URL parser
 * writes it) and mailto only. Everything else is refused, whatever its spelling: a relative
 * URL would resolve against whatever page shows the feed, and javascript:, data:, vbscript:
 * (with entities, case, spaces or control characters) are not an allow-listed scheme.
 */
export function safeUrl(value: string): string | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a control character anywhere refuses the URL.
  if (/[\u0000-\u001F\u007F]/.test(value)) return undefined;
  const url = value.trim();
  if (/^mailto:[^\s<>"']+$/i.test(url)) return url;
  if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) return undefined;
  const parsed = new URL(url);
  return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : undefined;
}

const cell = ["colspan", "rowspan", "align"];

/** What raw HTML in a body may keep: these elements and attributes, nothing else. Documented in docs/content-html.md. */
export const HTML_ALLOW_LIST = {
  allowedTags: [
    ...["p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code", "div", "span"],
    ...["ul", "ol", "li", "dl", "dt", "dd", "details", "summary"],
    ...["a", "em", "strong", "b", "i", "u", "s", "del", "ins", "mark", "small", "sup", "sub"],
    ...["abbr", "cite", "q", "kbd", "samp", "var", "time", "figure", "figcaption", "img"],
    ...["table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td"],
  ],
  allowedAttributes: {
    a: ["href", "title"],
    img: ["src", "alt", "title", "width", "height"],
    ol: ["start", "reversed"],
    abbr: ["title"],
    time: ["datetime"],
    th: [...cell, "scope"],
    td: cell,
    col: ["span"],
    colgroup: ["span"],
    code: ["class"],
  },
  /** Only markdown-it's own fenced-code marker. */
  allowedClasses: { code: ["language-*"] },
  allowedSchemes: ["http", "https", "mailto"],
  allowProtocolRelative: false,
  /** Dropped with everything inside them, never shown as text. */
  nonTextTags: [
    ...["script", "style", "template", "noscript", "iframe", "frame", "frameset", "object", "embed", "applet"],
    ...["svg", "math", "textarea", "select", "option", "title", "xmp", "noembed", "noframes", "plaintext", "head"],
  ],
} as const satisfies sanitizeHtml.IOptions;

const DIGITS = /^\d{1,6}$/;

const sanitizeOptions: sanitizeHtml.IOptions = {
  ...HTML_ALLOW_LIST,
  allowedTags: [...HTML_ALLOW_LIST.allowedTags],
  allowedAttributes: HTML_ALLOW_LIST.allowedAttributes,
  allowedClasses: { code: [...HTML_ALLOW_LIST.allowedClasses.code] },
  allowedSchemes: [...HTML_ALLOW_LIST.allowedSchemes],
  nonTextTags: [...HTML_ALLOW_LIST.nonTextTags],
  disallowedTagsMode: "discard",
  // A link to a refused URL keeps its text (unwrapped below); an image of one becomes its
  // alt text in a <span>. (Never renamed to a discarded tag: sanitize-html then misnames a
  // later closing tag.)
  transformTags: {
    a: (_tag, { href, title }) => {
      const url = href === undefined ? undefined : safeUrl(href);
      return { tagName: "a", attribs: url ? { href: url, ...(title ? { title } : {}) } : {} };
    },
    img: (_tag, { src, alt, title, width, height }) => {
      const url = src === undefined ? undefined : safeUrl(src);
      if (!url) return { tagName: "span", attribs: {}, text: alt ?? "" };
      const attribs: Record<string, string> = { src: url, alt: alt ?? "" };
      if (title) attribs.title = title;
      if (width && DIGITS.test(width)) attribs.width = width;
      if (height && DIGITS.test(height)) attribs.height = height;
      return { tagName: "img", attribs };
    },
  },
  // A link without a URL is unwrapped (its text stays); a refused image without alt text goes.
  exclusiveFilter: (frame) => {
    if (frame.tag === "a" && !frame.attribs.href) return "excludeTag";
    // sanitize-html keeps the `text` a transform gave in the frame's innerText.
    // biome-ignore lint/performance/useDomNodeTextContent: a sanitize-html frame, not a DOM node.
    const { innerText: alt = "" } = frame as sanitizeHtml.IFrame & { innerText?: string };
    return frame.tag === "img" && !frame.attribs.src && alt.trim() === "";
  },
};

// CommonMark with raw HTML on: the sanitiser, not the Markdown parser, decides what stays.
const markdown = new MarkdownIt("commonmark", { html: true, linkify: false, typographer: false });

// Every destination parses as a link, so that a refused one can keep its text below instead
// of printing its Markdown source (`[click](javascript:…)`).
markdown.validateLink = () => true;

type Token = ReturnType<InstanceType<typeof MarkdownIt>["parse"]>[number];

/**
 * Unwraps links and images whose URL is refused (the link's text, the image's alt text), and
 * links inside a link: markdown-it nests an autolink in a link's text (`[<a@b.example>](…)`),
 * which HTML forbids and parsers (sanitize-html's among them) split into two links, the
 * first empty. The outer link, the one its writer spelt out, keeps the text.
 */
function refuseUrls(tokens: Token[], textToken: (content: string) => Token): Token[] {
  const out: Token[] = [];
  const openUnwrapped: boolean[] = [];
  let openLinks = 0;
  for (const token of tokens) {
    if (token.children) token.children = refuseUrls(token.children, textToken);
    if (token.type === "link_open") {
      const url = openLinks === 0 ? safeUrl(String(token.attrGet("href") ?? "")) : undefined;
      openUnwrapped.push(!url);
      if (!url) continue;
      openLinks++;
      token.attrSet("href", url);
    } else if (token.type === "link_close") {
      if (openUnwrapped.pop()) continue;
      openLinks--;
    } else if (token.type === "image") {
      const url = safeUrl(String(token.attrGet("src") ?? ""));
      if (!url) {
        out.push(textToken((token.children ?? []).map((child) => child.content).join("")));
        continue;
      }
      token.attrSet("src", url);
    }
    out.push(token);
  }
  return out;
}

markdown.core.ruler.push("refuse_urls", (state) => {
  state.tokens = refuseUrls(state.tokens, (content) => Object.assign(new state.Token("text", "", 0), { content }));
});

/** Whether the writer's raw HTML is among the tokens (markdown-it passes it through as written). */
const hasRawHtml = (tokens: readonly Token[]): boolean =>
  tokens.some(
    (token) =>
      token.type === "html_block" ||
      token.type === "html_inline" ||
      (token.children !== null && hasRawHtml(token.children)),
  );

/**
 * What sanitize-html makes of markdown-it's own HTML (no raw HTML in it): the same bytes,
 * but for `&quot;` in text, which it writes as `"`. Every element and attribute markdown-it
 * writes is on the allow-list, its URLs passed safeUrl (refuse_urls), and it escapes
 * `& < > "` everywhere, so each `<` opens a tag and no `>` hides in an attribute's value.
 * The tests compare this with sanitize-html itself (sanitisedRender).
 */
const asSanitised = (html: string): string =>
  html.replace(/<[^>]*>|&quot;/g, (match) => (match === "&quot;" ? '"' : match));

export function renderMarkdown(body: string): string | undefined {
  const source = cleanText(body).trim();
  if (source === "") return undefined;
  const env = {};
  const tokens = markdown.parse(source, env);
  const rendered = markdown.renderer.render(tokens, markdown.options, env);
  const html = (hasRawHtml(tokens) ? sanitizeHtml(rendered, sanitizeOptions) : asSanitised(rendered)).trim();
  return html === "" ? undefined : html;
}

/** Every body through sanitize-html, raw HTML or not: what renderMarkdown must equal (tests only). */
export function sanitisedRender(body: string): string | undefined {
  const source = cleanText(body).trim();
  if (source === "") return undefined;
  const html = sanitizeHtml(markdown.render(source), sanitizeOptions).trim();
  return html === "" ? undefined : html;
}

/** The words of inline tokens: text and code as written, images by their alt text, breaks as spaces. */
function inlineText(children: readonly Token[] | null): string {
  let out = "";
  for (const child of children ?? []) {
    if (child.type === "text" || child.type === "code_inline") out += child.content;
    else if (child.type === "softbreak" || child.type === "hardbreak") out += " ";
    else if (child.type === "image") out += inlineText(child.children);
  }
  return out;
}

/**
 * The start of a body's prose as plain text (entities decoded, no markup), for the derived
 * excerpt: its paragraphs (list items and quotes included), else its headings. Code blocks
 * and raw HTML are not prose. A long body gives at least its first 1,000 characters.
 */
export function markdownText(body: string): string {
  // An excerpt needs the first few hundred characters: the body up to a paragraph break
  // past 8,000 characters usually holds them, and parsing all of a long body costs.
  const source = cleanText(body);
  const end = source.indexOf("\n\n", 8_000);
  if (end >= 0) {
    const head = proseOf(source.slice(0, end));
    if (head.length >= 1_000) return head;
  }
  return proseOf(source);
}

function proseOf(source: string): string {
  const tokens = markdown.parse(source, {});
  const blocks = (inParagraph: boolean) =>
    tokens
      .filter((token, i) => token.type === "inline" && (!inParagraph || tokens[i - 1]?.type === "paragraph_open"))
      .map((token) => inlineText(token.children).trim())
      .filter(Boolean);
  const paragraphs = blocks(true);
  return (paragraphs.length > 0 ? paragraphs : blocks(false)).join(" ");
}
