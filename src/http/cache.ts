// The edge cache in front of the feed handlers: Workers Cache API entries under a
// canonical key, conditional GET, and the stale-while-revalidate / stale-if-error
// logic that the Cache API itself does not implement.
import type { Context } from "hono";
import type { CachePolicy } from "../config.js";
import { isNotModified, strongEtag } from "./conditional.js";
import { cacheControl, type Freshness, freshness } from "./freshness.js";

/** What a handler hands the cache: a body and what it knows about the view. */
export interface Rendered {
  /** Text, or bytes already encoded as UTF-8. */
  body: string | Uint8Array;
  contentType: string;
  /** The newest item in the view; absent for an empty view. */
  lastModifiedMs?: number;
  /** When the view changes by itself (the next scheduled article), if ever. */
  nextChangeMs?: number;
  /** The HTTP Link header: self and alternates. */
  link: string;
}

export interface CacheRequest {
  /** Canonical: origin, path, known parameters in order, content version. */
  key: string;
  now: number;
  policy: CachePolicy;
  render: () => Promise<Rendered>;
}

type CacheStatus = "HIT" | "MISS" | "STALE";

/** Headers that the stored copy keeps and every answer (200 or 304) repeats. */
const REPEATED = ["ETag", "Last-Modified", "Link", "Vary"] as const;
/** Lifetimes ride along with the stored copy, in these internal headers. */
const FRESH_UNTIL = "X-Fresh-Until";
const STALE_UNTIL = "X-Stale-Until";
const ERROR_UNTIL = "X-Error-Until";

interface Entry {
  headers: Headers;
  body: ReadableStream | Uint8Array | null;
  lifetimes: Freshness;
}

function lifetimesOf(headers: Headers): Freshness {
  return {
    freshUntil: Number(headers.get(FRESH_UNTIL)),
    staleUntil: Number(headers.get(STALE_UNTIL)),
    errorUntil: Number(headers.get(ERROR_UNTIL)),
  };
}

async function renderEntry(c: Context, request: CacheRequest): Promise<Entry> {
  const rendered = await request.render();
  const lifetimes = freshness(request.policy, request.now, rendered.nextChangeMs);
  // Encoded once: the same bytes are hashed, stored and sent.
  const body = typeof rendered.body === "string" ? new TextEncoder().encode(rendered.body) : rendered.body;
  const headers = new Headers({
    "Content-Type": rendered.contentType,
    ETag: strongEtag(body),
    Link: rendered.link,
    // Browsers opening a feed get its readable view (see negotiate.ts).
    Vary: "Accept, Accept-Encoding, Sec-Fetch-Dest",
  });
  if (rendered.lastModifiedMs !== undefined) {
    headers.set("Last-Modified", new Date(rendered.lastModifiedMs).toUTCString());
  }
  if (lifetimes.freshUntil > request.now) {
    const stored = new Headers(headers);
    stored.set(FRESH_UNTIL, String(lifetimes.freshUntil));
    stored.set(STALE_UNTIL, String(lifetimes.staleUntil));
    stored.set(ERROR_UNTIL, String(lifetimes.errorUntil));
    // The Cache API evicts by this; the stale windows are ours to judge.
    stored.set("Cache-Control", `public, s-maxage=${Math.ceil((lifetimes.errorUntil - request.now) / 1000)}`);
    c.executionCtx.waitUntil(caches.default.put(request.key, new Response(body, { headers: stored })));
  }
  return { headers, body, lifetimes };
}

function answer(c: Context, entry: Entry, status: CacheStatus, request: CacheRequest): Response {
  const headers = new Headers();
  for (const name of REPEATED) {
    const value = entry.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  headers.set("Cache-Control", cacheControl(entry.lifetimes, request.policy, request.now));
  headers.set("X-Cache", status);
  headers.set("Server-Timing", `cache;desc="${status}"`);

  const etag = entry.headers.get("ETag") as string;
  const lastModified = entry.headers.get("Last-Modified");
  const lastModifiedMs = lastModified === null ? undefined : Date.parse(lastModified);
  if (isNotModified(c.req.raw.headers, etag, lastModifiedMs)) {
    if (entry.body instanceof ReadableStream) c.executionCtx.waitUntil(entry.body.cancel());
    return new Response(null, { status: 304, headers });
  }
  headers.set("Content-Type", entry.headers.get("Content-Type") as string);
  return new Response(entry.body, { status: 200, headers });
}

/**
 * Answers from the cache when it can: HIT while fresh; STALE while the entry may be
 * served stale, refreshing it in the background; otherwise renders (MISS), falling
 * back to the stale entry if rendering fails within stale-if-error.
 */
export async function serveCached(c: Context, request: CacheRequest): Promise<Response> {
  const cached = await caches.default.match(request.key);
  if (!cached) return answer(c, await renderEntry(c, request), "MISS", request);

  const entry: Entry = { headers: cached.headers, body: cached.body, lifetimes: lifetimesOf(cached.headers) };
  if (request.now < entry.lifetimes.freshUntil) return answer(c, entry, "HIT", request);
  if (request.now < entry.lifetimes.staleUntil) {
    c.executionCtx.waitUntil(
      renderEntry(c, request).catch((error: unknown) => console.error("background revalidation failed", error)),
    );
    return answer(c, entry, "STALE", request);
  }
  try {
    return answer(c, await renderEntry(c, request), "MISS", request);
  } catch (error) {
    if (request.now < entry.lifetimes.errorUntil) {
      console.error("rendering failed; serving the stale copy", error);
      return answer(c, entry, "STALE", request);
    }
    throw error;
  }
}
