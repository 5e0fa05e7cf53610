// "Embed this feed" on each term page: the two snippets a site owner copies, the script
// element and the iframe, with this view's addresses filled in.
import { html } from "hono/html";
import { escapeToBuffer } from "hono/utils/html";
import type { SiteConfig } from "../config.js";
import { EMBED_DEFAULT_LIMIT } from "./options.js";

/** Text for inside a snippet: the label is escaped once for the snippet, once more for the page. */
function escaped(text: string): string {
  const buffer: [string] = [""];
  escapeToBuffer(text, buffer);
  return buffer[0];
}

/** `path` is the view's path without its trailing slash (`/topics/ai`); `label` its name. */
export function embedSnippet(site: SiteConfig, path: string, label: string) {
  const name = escaped(label);
  const script = `<script src="${site.origin}/embed.js" async></script>
<feed-list src="${site.origin}${path}/feed.json" limit="${EMBED_DEFAULT_LIMIT}">
  <a href="${site.origin}${path}/">${name}</a>
</feed-list>`;
  const iframe = `<iframe src="${site.origin}/embed${path}/" title="${name}" width="100%" height="520" loading="lazy"></iframe>`;
  return html`<section class="embed" id="embed"><h2>Embed this feed</h2>
<p>On your site, the newest articles as a list you can style (<a href="${site.origin}/embed.js">embed.js</a>, no other dependency; the link inside shows when the feed cannot load):</p>
<pre><code>${script}</code></pre>
<p>Where scripts cannot run, in an iframe:</p>
<pre><code>${iframe}</code></pre>
</section>
`;
}
