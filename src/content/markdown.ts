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
