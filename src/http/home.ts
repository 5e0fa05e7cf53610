// The home page: what feeds exist, with autodiscovery links for readers and browsers.
import type { Context } from "hono";
import { html } from "hono/html";
import { siteConfig } from "../config.js";
import { FORMAT_NAMES, FORMATS } from "../feed/formats.js";

const LABELS = { rss: "RSS 2.0", atom: "Atom 1.0", json: "JSON Feed 1.1" } as const;

export function homePage(c: Context) {
  const site = siteConfig(c.env);
  const feeds = FORMAT_NAMES.map((name) => ({
    ...FORMATS[name],
    label: LABELS[name],
    url: `${site.origin}/${FORMATS[name].file}`,
  }));
  return c.html(html`<!doctype html>
<html lang="${site.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${site.title}</title>
<link rel="icon" href="${site.faviconUrl}">
${feeds.map((feed) => html`<link rel="alternate" type="${feed.mediaType}" title="${site.title} (${feed.label})" href="${feed.url}">\n`)}
</head>
<body>
<h1>${site.title}</h1>
<p>${site.description}</p>
<h2>Subscribe</h2>
<ul>
${feeds.map((feed) => html`<li><a href="${feed.url}">${feed.label}</a> <code>${feed.url}</code></li>\n`)}
</ul>
<h2 id="json-feed-extensions">JSON Feed extensions</h2>
<p><code>_related</code> on an item: <code>articles</code>, a list of related articles, each with
<code>title</code>, <code>url</code> and, when known, <code>summary</code>, <code>date_published</code> and <code>provider</code>.</p>
</body>
</html>
`);
}
