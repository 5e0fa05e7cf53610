// GET /embed.js and /embed.<version>.js: the <feed-list> element's script, built by
// scripts/embed-script.ts. Bytes, ETag and headers are computed once per isolate.
import type { Context, Hono } from "hono";
import script from "../../.generated/embed-script.js";
import type { AppEnv } from "../app-env.js";
import { isNotModified, strongEtag } from "../http/conditional.js";

/** The address a host page keeps using: revalidated hourly, so a fix reaches every page within a day. */
export const STABLE_CACHE_CONTROL = "public, max-age=3600, stale-while-revalidate=86400";
/** A versioned address names one build's bytes: cached for a year, never revalidated. */
export const VERSIONED_CACHE_CONTROL = "public, max-age=31536000, immutable";

export const SCRIPT_VERSION = script.version;
export const SCRIPT_INTEGRITY = script.integrity;
export const versionedScriptPath = `/embed.${script.version}.js`;

const bytes = new TextEncoder().encode(script.source);
const etag = strongEtag(bytes);

/** The stable and the versioned address; a script, not a view, so outside the view cache. */
export function embedScriptRoutes(app: Hono<AppEnv>): void {
  app.get("/embed.js", scriptHandler(STABLE_CACHE_CONTROL));
  app.get(versionedScriptPath, scriptHandler(VERSIONED_CACHE_CONTROL));
}

function scriptHandler(cacheControl: string) {
  return (c: Context) => {
    const headers = new Headers({
      ETag: etag,
      "Cache-Control": cacheControl,
      // Loadable by pages that require CORP (COEP: require-corp) without `crossorigin`.
      "Cross-Origin-Resource-Policy": "cross-origin",
    });
    if (isNotModified(c.req.raw.headers, etag, Number.NaN, 0)) return new Response(null, { status: 304, headers });
    headers.set("Content-Type", "text/javascript; charset=utf-8");
    return new Response(bytes, { status: 200, headers });
  };
}
