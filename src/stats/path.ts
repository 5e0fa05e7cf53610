// The feed a request subscribes to: its canonical view path (scope, file and filters, in
// the order the service writes them), without paging. Archives and pages are not counted.
import { FORMATS } from "../feed/formats.js";
import { KIND_PATHS } from "../http/feed-route.js";
import { canonicalSearch, parseFeedQuery } from "../http/query.js";

const FILES = Object.values(FORMATS).map((format) => format.file.replace(".", "\\."));
const SCOPES = Object.values(KIND_PATHS).join("|");
const FEED_PATH = new RegExp(`^(?:/(${SCOPES})/([^/]+))?/(${FILES.join("|")})$`);

/** `/topics/ai/atom.xml?type=video` for `/topics/ai/atom.xml?limit=5&type=video&utm_source=x`; else undefined. */
export function subscribedPath(url: URL): string | undefined {
  const match = FEED_PATH.exec(url.pathname);
  if (!match) return undefined;
  const [, segment, rawSlug, file] = match;
  try {
    // One spelling per slug, as the service's own links write it (scopePath).
    const scope =
      segment && rawSlug ? `/${segment}/${encodeURIComponent(decodeURIComponent(rawSlug).normalize("NFC"))}` : "";
    const query = parseFeedQuery(url.searchParams);
    if (query.before) return undefined;
    return `${scope}/${file}${canonicalSearch({ ...query, limit: undefined })}`;
  } catch {
    return undefined;
  }
}
