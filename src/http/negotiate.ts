// Whether a request is a person opening a feed in a browser tab, who gets the readable
// HTML view of it instead of XML or JSON that the browser would show as raw text.
import { MEDIA_TYPES } from "../feed/view.js";

/** The q-value a media range in an Accept header gives `type`, 0 when none matches. */
function quality(accept: string, type: string): number {
  const [major] = type.split("/");
  let best = 0;
  let bestSpecificity = -1;
  for (const part of accept.split(",")) {
    const [range = "", ...params] = part.trim().toLowerCase().split(";");
    const specificity = range === type ? 2 : range === `${major}/*` ? 1 : range === "*/*" ? 0 : -1;
    if (specificity < bestSpecificity || specificity < 0) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    best = q ? Number(q.slice(2)) || 0 : 1;
    bestSpecificity = specificity;
  }
  return best;
}

const FEED_TYPES = [...Object.values(MEDIA_TYPES), "application/xml", "text/xml"];

/**
 * Only a top-level navigation (`Sec-Fetch-Dest: document`, which browsers send and feed
 * readers, fetchers and scripts do not) that prefers HTML over every feed type.
 */
export function wantsReadableView(headers: Headers): boolean {
  if (headers.get("Sec-Fetch-Dest") !== "document") return false;
  const accept = headers.get("Accept") ?? "";
  const html = quality(accept, "text/html");
  return html > 0 && FEED_TYPES.every((type) => quality(accept, type) < html);
}
