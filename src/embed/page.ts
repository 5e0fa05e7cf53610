// The iframe page of /embed/<view>/: a view's newest articles as a self-contained HTML
// page, for sites that cannot run scripts. Pure: the same articles give the same bytes.
import { createHash } from "node:crypto";
import { html, raw } from "hono/html";
import type { SiteConfig } from "../config.js";
import type { Article } from "../content/article.js";
import type { Hideable } from "./options.js";

/** One inline sheet, allowed by its hash in the page's own CSP: no other style can run. */
const CSS = `:root{color-scheme:light dark;font-family:system-ui,sans-serif;line-height:1.4}
body{margin:0;padding:.5rem}
h1,h2,p{margin:0}
h1{font-size:1.1rem;margin-bottom:.5rem}
ul{list-style:none;margin:0;padding:0;display:grid;gap:.75rem}
li{display:flex;gap:.75rem;align-items:flex-start}
li>div{min-width:0;flex:1}
h2{font-size:1rem;line-height:1.3}
a{color:inherit;text-underline-offset:.15em}
a:focus-visible{outline:2px solid currentColor;outline-offset:2px}
img{flex:none;width:4.5rem;height:4.5rem;object-fit:cover;border-radius:4px}
.meta{font-size:.875em;opacity:.75}
.excerpt{margin-top:.25em;display:-webkit-box;-webkit-box-orient:vertical;-webkit-line-clamp:3;overflow:hidden}
`;

/**
 * Anyone may frame the page (`frame-ancestors *`); it loads nothing but its thumbnails
 * and runs no script. Links open in the top window, away from the host page's frame.
 */
export const EMBED_PAGE_CSP = [
  "default-src 'none'",
  `style-src '${`sha256-${createHash("sha256").update(CSS).digest("base64")}`}'`,
  "img-src https: http:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors *",
].join("; ");

const EXCERPT_CHARS = 300;

export interface EmbedPage {
  /** The view's name: a term's label, or the site's title. */
  title: string;
  /** Where the header links: the view's HTML page. */
  homeUrl: string;
  hide: readonly Hideable[];
  items: readonly Article[];
}

const clip = (text: string) => (text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS - 1)}…` : text);

function item(page: EmbedPage, article: Article, dates: Intl.DateTimeFormat) {
  const shows = (part: Hideable) => !page.hide.includes(part);
  const image = article.images[0]?.url;
  const provider = shows("provider") ? article.provider?.name : undefined;
  const date = shows("date") ? dates.format(article.publishedMs) : undefined;
  const meta = [
    provider && html`<span>${provider}</span>`,
    date && html`<time datetime="${article.published}">${date}</time>`,
  ].filter(Boolean);
  return html`<li>${
    image && shows("image")
      ? html`<img src="${image}" alt="" width="72" height="72" loading="lazy" referrerpolicy="no-referrer">`
      : ""
  }<div><h2><a href="${article.url}" target="_top">${article.title}</a></h2>${
    meta.length > 0 ? html`<p class="meta">${meta.map((part, i) => html`${i > 0 ? " · " : ""}${part}`)}</p>` : ""
  }${article.summary && shows("excerpt") ? html`<p class="excerpt">${clip(article.summary)}</p>` : ""}</div></li>
`;
}

export async function renderEmbedPage(site: SiteConfig, page: EmbedPage): Promise<string> {
  const dates = new Intl.DateTimeFormat(site.language, { dateStyle: "medium", timeZone: "UTC" });
  const header = page.hide.includes("header")
    ? ""
    : html`<h1><a href="${page.homeUrl}" target="_top">${page.title}</a></h1>\n`;
  const body = html`<!doctype html>
<html lang="${site.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title}</title>
<style>${raw(CSS)}</style>
</head>
<body>
${header}<ul aria-label="${page.title}">
${page.items.length > 0 ? page.items.map((article) => item(page, article, dates)) : html`<li>No articles yet.</li>`}
</ul>
</body>
</html>
`;
  return (await body).toString();
}
