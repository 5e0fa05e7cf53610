// The HTML every page shares (the pages, the readable view of a feed, the error pages):
// the document around a page's body, a feed address to copy, a list of articles.
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { Article } from "../content/article.js";
import { utcDay } from "../dates.js";

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** What a page's head and header need of the site (a SiteConfig, or a feed's view of it). */
export interface Shell {
  /** The site's home page, with its trailing slash. */
  home: string;
  siteTitle: string;
  language: string;
  faviconUrl: string;
}

export interface Alternate {
  type: string;
  title: string;
  href: string;
}

/** A rendered page as a string; every part of a page here is synchronous. */
export function text(page: Html): string {
  if (page instanceof Promise) throw new Error("a page template returned a promise");
  return String(page);
}

/** The day of an RFC 3339 time, as the pages show it. */
export const day = (rfc3339: string | undefined) => (rfc3339 ? utcDay(Date.parse(rfc3339)) : "—");

export function layout(shell: Shell, title: string, body: Html, alternates: readonly Alternate[] = []) {
  return html`<!doctype html>
<html lang="${shell.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="icon" href="${shell.faviconUrl}">
<link rel="stylesheet" href="${shell.home}site.css">
${alternates.map((link) => html`<link rel="alternate" type="${link.type}" title="${link.title}" href="${link.href}">\n`)}<script src="${shell.home}copy.js" defer></script>
</head>
<body>
<header><a href="${shell.home}"><img src="${shell.faviconUrl}" alt="" width="32" height="32"> ${shell.siteTitle}</a></header>
<main>
${body}
</main>
</body>
</html>
`;
}

/**
 * Where a long address may wrap: after a `/` (not inside `//`), before `?` and `&`. Only a
 * part longer than the whole line is ever broken inside (site.css), never a word at random.
 */
export const urlParts = (url: string) => url.split(/(?<=\/)(?!\/)|(?=[?&])/);

/**
 * A feed's address as text to select (one click selects all of it, see site.css), and a
 * Copy button that copy.js reveals: without a script there is no button that does nothing.
 */
export function address(url: string, label: string, id?: string) {
  const parts = urlParts(url).map((part, i) => html`${i > 0 ? html`<wbr>` : ""}${part}`);
  return html`<span class="address"><code class="url"${id ? html` id="${id}"` : ""} aria-label="${label} address">${parts}</code><button type="button" class="copy" data-copy="${url}" hidden>Copy</button></span>`;
}

/** An article as the pages list it: thumbnail, title, provider and date, excerpt. */
export function articleItem(article: Article) {
  const image = article.images[0];
  const meta = [article.provider?.name, day(article.published)].filter(Boolean).join(" · ");
  return html`<li>${image ? html`<img class="thumb" src="${image.url}" alt="" loading="lazy" width="72" height="72">` : ""}<div><a href="${article.url}">${article.title}</a><small>${meta}</small>${article.summary ? html`<p class="excerpt">${article.summary}</p>` : ""}</div></li>\n`;
}

export function articleList(items: readonly Article[]) {
  return html`<ul class="articles">
${items.map(articleItem)}</ul>`;
}
