// The readable view: a feed as an HTML page for a person who opened it in a browser,
// with the address to give a feed reader. Pure, like the feed renderers.
import { type FeedView, type FormatName, MEDIA_TYPES } from "./view.js";
import { escapeXml as html } from "./xml.js";

const NAMES: Record<FormatName, string> = { rss: "RSS", atom: "Atom", json: "JSON Feed" };

export function renderReadable(view: FeedView, format: FormatName): string {
  const self = view.links[format];
  let items = "";
  for (const article of view.items) {
    const meta = [article.provider?.name, article.published.slice(0, 10)].filter(Boolean).join(" · ");
    items += `<li><a href="${html(article.url)}">${html(article.title)}</a><small>${html(meta)}</small>`;
    if (article.summary) items += `<p>${html(article.summary)}</p>`;
    items += "</li>\n";
  }
  const pages = (["previous", "next"] as const)
    .filter((rel) => view.nav[rel])
    .map((rel) => `<a rel="${rel}" href="${html(view.nav[rel] as string)}">${rel === "next" ? "Older" : "Newer"}</a>`)
    .join(" ");
  return `<!doctype html>
<html lang="${html(view.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(view.title)} (${NAMES[format]} feed)</title>
<link rel="icon" href="${html(view.faviconUrl)}">
<link rel="stylesheet" href="${html(view.author.url)}site.css">
<link rel="alternate" type="${MEDIA_TYPES[format]}" href="${html(self)}">
</head>
<body>
<header><a href="${html(view.author.url)}"><img src="${html(view.faviconUrl)}" alt="" width="32" height="32"> ${html(view.author.name)}</a></header>
<main>
<p class="banner">This is a web feed (${NAMES[format]}). <strong>To subscribe</strong>, copy its address into your feed
reader: <code id="feed-url">${html(self)}</code></p>
<h1>${html(view.title)}</h1>
<p>${html(view.description)}</p>
<ul class="articles">
${items}</ul>
<nav>${pages}</nav>
</main>
</body>
</html>
`;
}
