// The readable view: a feed as an HTML page for a person who opened it in a browser,
// with the address to give a feed reader. Pure, like the feed renderers.
import type { FeedView, FormatName } from "./view.js";
import { escapeXml as escape } from "./xml.js";

const NAMES: Record<FormatName, string> = { rss: "RSS", atom: "Atom", json: "JSON Feed" };

export function renderReadable(view: FeedView, format: FormatName): string {
  const self = view.links[format];
  let items = "";
  for (const article of view.items) {
    const meta = [article.provider?.name, article.published.slice(0, 10)].filter(Boolean).join(" · ");
    items += `<li><a href="${escape(article.url)}">${escape(article.title)}</a><small>${escape(meta)}</small>`;
    if (article.summary) items += `<p>${escape(article.summary)}</p>`;
    items += "</li>\n";
  }
  const pages = (["previous", "next"] as const)
    .filter((rel) => view.nav[rel])
    .map((rel) => `<a rel="${rel}" href="${escape(view.nav[rel] as string)}">${rel === "next" ? "Older" : "Newer"}</a>`)
    .join(" ");
  return `<!doctype html>
<html lang="${escape(view.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(view.title)} (${NAMES[format]} feed)</title>
<link rel="icon" href="${escape(view.faviconUrl)}">
<link rel="stylesheet" href="${escape(view.author.url)}site.css">
<link rel="alternate" type="${format === "json" ? "application/feed+json" : `application/${format}+xml`}" href="${escape(self)}">
</head>
<body>
<header><a href="${escape(view.author.url)}"><img src="${escape(view.faviconUrl)}" alt="" width="32" height="32"> ${escape(view.author.name)}</a></header>
<main>
<p class="banner">This is a web feed (${NAMES[format]}). <strong>To subscribe</strong>, copy its address into your feed
reader: <code id="feed-url">${escape(self)}</code></p>
<h1>${escape(view.title)}</h1>
<p>${escape(view.description)}</p>
<ul class="articles">
${items}</ul>
<nav>${pages}</nav>
</main>
</body>
</html>
`;
}
