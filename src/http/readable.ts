// The readable view: a feed as an HTML page for a person who opened it in a browser, with
// the address to give a feed reader; an archive as the month it holds, between its
// neighbours. Pure, like the feed renderers: the same view gives the same bytes.
import { html } from "hono/html";
import { type FeedView, type FormatName, MEDIA_TYPES } from "../feed/view.js";
import { address, articleList, layout, text } from "./layout.js";

const NAMES: Record<FormatName, string> = { rss: "RSS", atom: "Atom", json: "JSON Feed" };

/** `2026-05` as people say it, `May 2026`, in the site's language. */
export function monthLabel(month: string, language: string): string {
  const [year, number] = month.split("-").map(Number) as [number, number];
  const format = new Intl.DateTimeFormat(language, { month: "long", year: "numeric", timeZone: "UTC" });
  return format.format(Date.UTC(year, number - 1, 1));
}

/** The month an archive link names: `…/archive/2026-04/rss.xml` → `2026-04`. */
const monthIn = (url: string) => /\/archive\/(\d{4}-\d{2})\//.exec(url)?.[1] ?? "";

const shellOf = (view: FeedView) => ({
  home: view.author.url,
  siteTitle: view.author.name,
  language: view.language,
  faviconUrl: view.faviconUrl,
});

function subscribeBox(view: FeedView, format: FormatName) {
  return html`<p class="banner">This is a web feed (${NAMES[format]}). <strong>To subscribe</strong>, copy its address
into your feed reader: ${address(view.links[format], NAMES[format], "feed-url")}</p>`;
}

/** Paging of a live feed: newer and older pages, and from the first page the newest archive. */
function pagingNav(view: FeedView) {
  const { previous, next } = view.nav;
  const archive = view.nav["prev-archive"];
  return html`<nav class="pages">${previous ? html`<a rel="previous" href="${previous}">Newer</a>` : ""}
${next ? html`<a rel="next" href="${next}">Older</a>` : ""}
${archive ? html`<a rel="prev-archive" href="${archive}">Archive: ${monthLabel(monthIn(archive), view.language)}</a>` : ""}</nav>`;
}

function archiveNav(view: FeedView) {
  const link = (rel: "prev-archive" | "next-archive", arrow: string) => {
    const url = view.nav[rel];
    if (!url) return "";
    const label = monthLabel(monthIn(url), view.language);
    return html`<a rel="${rel}" href="${url}">${rel === "prev-archive" ? `${arrow} ${label}` : `${label} ${arrow}`}</a>`;
  };
  return html`<nav class="pages">${link("prev-archive", "←")}
${view.nav.current ? html`<a rel="current" href="${view.nav.current}">The live feed</a>` : ""}
${link("next-archive", "→")}</nav>`;
}

/** `month` is the archive's (`2026-05`), absent for a live feed's page. */
export function renderReadable(view: FeedView, format: FormatName, month?: string): string {
  const self = view.links[format];
  const alternates = [{ type: MEDIA_TYPES[format], title: `${view.title} (${NAMES[format]})`, href: self }];
  if (month === undefined) {
    const page = layout(
      shellOf(view),
      `${view.title} (${NAMES[format]} feed)`,
      html`${subscribeBox(view, format)}
<h1>${view.title}</h1>
<p>${view.description}</p>
${articleList(view.items)}
${pagingNav(view)}`,
      alternates,
    );
    return text(page);
  }
  const label = monthLabel(month, view.language);
  // An archive never changes: no invitation to subscribe to it, but the way to the live feed.
  const page = layout(
    shellOf(view),
    `${view.title}: ${label} (${NAMES[format]} archive)`,
    html`<p class="banner archive">This is the archive of ${label}: every article of that month, and it no longer
changes. For new articles, open <a href="${view.nav.current ?? view.homeUrl}">the live feed</a>.</p>
<h1>${view.title}: ${label}</h1>
${archiveNav(view)}
${articleList(view.items)}
${archiveNav(view)}`,
  );
  return text(page);
}
