// Markdown bodies to safe HTML, at build time only.
import MarkdownIt from "markdown-it";
import { cleanText } from "./schema.js";

// CommonMark with raw HTML off: `<script>`, `<iframe>` and event handlers in a body
// come out as escaped text, and markdown-it's link validator drops javascript:,
// vbscript:, file: and data: URLs. The output holds only tags markdown-it writes.
const markdown = new MarkdownIt("commonmark", { html: false, linkify: false, typographer: false });

// Links and images only to absolute http(s) and mailto URLs: a relative URL would resolve
// against whatever page shows the feed, and data: images are not ours to embed.
markdown.validateLink = (url) => /^(https?:\/\/|mailto:)/i.test(url.trim());

export function renderMarkdown(body: string): string | undefined {
  const source = cleanText(body).trim();
  return source === "" ? undefined : markdown.render(source).trim();
}

type Token = ReturnType<typeof markdown.parse>[number];

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
