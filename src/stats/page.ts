// The publisher's page: per feed, today's subscribers by service and a 30-day chart drawn
// as inline SVG (no script, no external resource: the page's CSP forbids both).
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { type DayFigure, type FeedFigures, isoDay } from "./figures.js";

const WIDTH = 600;
const HEIGHT = 140;
const AXIS = 18;

const STYLE = `
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 44rem; padding: 0 1rem; color: #1b1f24; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.05rem; margin: 2rem 0 .3rem; word-break: break-all; }
.total { font-size: 1.6rem; font-weight: 600; } .note { color: #57606a; }
table { border-collapse: collapse; margin: .5rem 0; } td, th { padding: .15rem 1.2rem .15rem 0; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
svg { display: block; max-width: 100%; height: auto; } .hosted { fill: #2f6feb; } .individual { fill: #e5883c; }
.axis { font-size: 11px; fill: #57606a; } .key span { display: inline-block; width: .8em; height: .8em; margin-right: .3em; }
`;

function chart(history: readonly DayFigure[]): HtmlEscapedString | Promise<HtmlEscapedString> {
  const top = Math.max(1, ...history.map((d) => d.hosted + d.individual));
  const step = WIDTH / history.length;
  const scale = (n: number) => (n / top) * (HEIGHT - AXIS - 4);
  const bars = history.map((d, i) => {
    const x = (i * step + 1).toFixed(1);
    const w = (step - 2).toFixed(1);
    const hosted = scale(d.hosted);
    const individual = scale(d.individual);
    const base = HEIGHT - AXIS;
    return html`<g><title>${isoDay(d.day)}: ${d.hosted} hosted, ${d.individual} individual</title><rect class="hosted" x="${x}" y="${(base - hosted).toFixed(1)}" width="${w}" height="${hosted.toFixed(1)}"/><rect class="individual" x="${x}" y="${(base - hosted - individual).toFixed(1)}" width="${w}" height="${individual.toFixed(1)}"/></g>`;
  });
  const first = history[0];
  const last = history.at(-1);
  return html`<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="Subscribers per day, last ${history.length} days">
<line x1="0" y1="${HEIGHT - AXIS}" x2="${WIDTH}" y2="${HEIGHT - AXIS}" stroke="#d0d7de"/>
${bars}
<text class="axis" x="0" y="${HEIGHT - 4}">${first ? isoDay(first.day) : ""}</text>
<text class="axis" x="${WIDTH}" y="${HEIGHT - 4}" text-anchor="end">${last ? isoDay(last.day) : ""}</text>
<text class="axis" x="2" y="11">${top}</text>
</svg>`;
}

function feedSection(origin: string, feed: FeedFigures) {
  return html`<section>
<h2><a href="${origin}${feed.path}">${feed.path}</a></h2>
<p><span class="total">${feed.total}</span> subscribers</p>
<table><thead><tr><th>service</th><th>kind</th><th>subscribers</th></tr></thead><tbody>
${feed.services.map((s) => html`<tr><td>${s.service}</td><td>${s.kind}</td><td class="n">${s.subscribers}</td></tr>`)}
</tbody></table>
${chart(feed.history)}
</section>`;
}

export function statsPage(siteTitle: string, origin: string, today: number, feeds: readonly FeedFigures[]) {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Subscribers — ${siteTitle}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Subscribers — ${siteTitle}</h1>
<p class="note">On ${isoDay(today)}, over the last 7 days: hosted readers by the number each last reported per feed id,
individual readers by distinct clients. Browsers and bots are not counted.</p>
<p class="note key"><span class="hosted" style="background:#2f6feb"></span>hosted <span style="background:#e5883c"></span>individual</p>
${feeds.length === 0 ? html`<p>No subscriber has been counted yet.</p>` : feeds.map((feed) => feedSection(origin, feed))}
</body>
</html>
`;
}
