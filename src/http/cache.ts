// The cache in front of every view: the canonical key, a bounded in-isolate tier (by
// bytes) in front of the Workers Cache API, conditional GET, and the
// stale-while-revalidate / stale-if-error logic that the Cache API itself does not
// implement. A hit is answered from entries whose headers are computed once.

import type { CachePolicy, SiteConfig } from "../config.js";
import { httpDate } from "../dates.js";
import { isNotModified, strongEtag } from "./conditional.js";
import { cacheControl, type Freshness, freshness } from "./freshness.js";
import { EVERY_RESPONSE } from "./headers.js";

/** What a view's renderer hands the cache: a body and what it knows about the view. */
export interface Rendered {
  /** Text, or bytes already encoded as UTF-8. */
  body: string | Uint8Array;
  /** The body's strong ETag, when the renderer knows it from its parts (src/feed/memo.ts). */
  etag?: string;
  contentType: string;
  /** The newest item in the view: Last-Modified is never earlier. */
  newestMs?: number;
  /** When the view changes by itself (a scheduled article, a new month), if ever. */
  nextChangeMs?: number;
  /** The HTTP Link header: self and alternates. */
  link?: string;
  /** Request headers the body depends on besides the URL. */
  vary?: string;
  /** The body's own Content-Security-Policy (the embed pages'), sent with it and its 304s. */
  csp?: string;
}

export interface CacheRequest {
  /** From `cacheKey`. */
  key: string;
  now: number;
  policy: CachePolicy;
  render: () => Promise<Rendered>;
}

/** Work that may finish after the response: the Worker's ExecutionContext, or Hono's view of it. */
export interface Background {
  waitUntil(promise: Promise<unknown>): void;
}

type CacheStatus = "HIT" | "MISS" | "STALE";

/**
 * The one cache key of a view: the configured origin (never the Host header), the
 * content version (content and code), the settings' version, and the view's canonical
 * path. Everything that changes a body or a header is in it.
 */
export function cacheKey(site: SiteConfig, contentVersion: string, path: string): string {
  return `${site.origin}/_cache/${contentVersion}.${site.version}${path}`;
}

/** A cached representation, with the headers every answer repeats computed once. */
export interface Entry {
  body: Uint8Array;
  etag: string;
  lastModifiedMs: number;
  contentType: string;
  link?: string;
  vary: string;
  csp?: string;
  lifetimes: Freshness;
  /** Headers of a 304 and of a 200, but Cache-Control and X-Cache. */
  common: [string, string][];
  full: [string, string][];
  /** The complete header lists of the last answer: Cache-Control moves each second. */
  prepared?: Prepared;
}

/** An entry's answers within one second and one cache status: a hit allocates no header list. */
interface Prepared {
  second: number;
  status: CacheStatus;
  policy: CachePolicy;
  ok: [string, string][];
  notModified: [string, string][];
}

export function makeEntry(fields: Omit<Entry, "common" | "full" | "prepared">): Entry {
  const common: [string, string][] = [
    ...EVERY_RESPONSE,
    ["ETag", fields.etag],
    ["Last-Modified", httpDate(fields.lastModifiedMs)],
    ["Vary", fields.vary],
  ];
  if (fields.link) common.push(["Link", fields.link]);
  if (fields.csp) common.push(["Content-Security-Policy", fields.csp]);
  const full: [string, string][] = [
    ...common,
    ["Content-Type", fields.contentType],
    ["Content-Length", String(fields.body.byteLength)],
  ];
  return { ...fields, common, full };
}

const isFresh = (entry: Entry, now: number) => now < entry.lifetimes.freshUntil;

const STATUS_HEADERS = Object.fromEntries(
  (["HIT", "MISS", "STALE"] as const).map((status) => [
    status,
    [
      ["X-Cache", status],
      ["Server-Timing", `cache;desc="${status}"`],
    ] as [string, string][],
  ]),
) as Record<CacheStatus, [string, string][]>;

function prepare(entry: Entry, status: CacheStatus, policy: CachePolicy, now: number): Prepared {
  const second = Math.floor(now / 1000);
  const known = entry.prepared;
  if (known?.second === second && known.status === status && known.policy === policy) return known;
  const tail: [string, string][] = [
    ["Cache-Control", cacheControl(entry.lifetimes, policy, now)],
    ...STATUS_HEADERS[status],
  ];
  entry.prepared = { second, status, policy, ok: [...entry.full, ...tail], notModified: [...entry.common, ...tail] };
  return entry.prepared;
}

/** A 200 (no body for HEAD) or a 304, from an entry. */
export function answer(request: Request, entry: Entry, status: CacheStatus, policy: CachePolicy, now: number) {
  const headers = prepare(entry, status, policy, now);
  if (isNotModified(request.headers, entry.etag, entry.lastModifiedMs, now)) {
    return new Response(null, { status: 304, headers: headers.notModified });
  }
  const body = request.method === "HEAD" ? null : entry.body;
  return new Response(body, { status: 200, headers: headers.ok });
}

/** The in-isolate tier: the most recently used entries, up to a budget of body bytes. */
export class MemoryTier {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(private readonly budget = 16 * 2 ** 20) {}

  get(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      // Map order is insertion order: re-inserting marks it the most recent.
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  /** A fresh entry, or undefined: what a hit may be answered from without a lookup elsewhere. */
  fresh(key: string, now: number): Entry | undefined {
    const entry = this.get(key);
    return entry && isFresh(entry, now) ? entry : undefined;
  }

  set(key: string, entry: Entry): void {
    if (entry.body.byteLength > this.budget / 4) return;
    this.delete(key);
    this.entries.set(key, entry);
    this.bytes += entry.body.byteLength;
    for (const [oldest, old] of this.entries) {
      if (this.bytes <= this.budget) break;
      this.entries.delete(oldest);
      this.bytes -= old.body.byteLength;
    }
  }

  delete(key: string): void {
    const old = this.entries.get(key);
    if (!old) return;
    this.entries.delete(key);
    this.bytes -= old.body.byteLength;
  }
}

/** Lifetimes and validators ride along with the Cache API copy, in these internal headers. */
const STORED = { fresh: "X-Fresh-Until", stale: "X-Stale-Until", error: "X-Error-Until", vary: "Vary" } as const;

async function fromCacheApi(key: string): Promise<Entry | undefined> {
  const cached = await caches.default.match(key);
  if (!cached) return undefined;
  const h = cached.headers;
  return makeEntry({
    body: new Uint8Array(await cached.arrayBuffer()),
    etag: h.get("ETag") ?? "",
    lastModifiedMs: Date.parse(h.get("Last-Modified") ?? ""),
    contentType: h.get("Content-Type") ?? "",
    link: h.get("Link") ?? undefined,
    vary: h.get(STORED.vary) ?? "",
    csp: h.get("Content-Security-Policy") ?? undefined,
    lifetimes: {
      freshUntil: Number(h.get(STORED.fresh)),
      staleUntil: Number(h.get(STORED.stale)),
      errorUntil: Number(h.get(STORED.error)),
    },
  });
}

function toCacheApi(key: string, entry: Entry, now: number): Promise<void> {
  const { freshUntil, staleUntil, errorUntil } = entry.lifetimes;
  const headers: [string, string][] = [
    ...entry.full,
    [STORED.fresh, String(freshUntil)],
    [STORED.stale, String(staleUntil)],
    [STORED.error, String(errorUntil)],
    // The Cache API evicts by this; the stale windows are ours to judge.
    ["Cache-Control", `public, s-maxage=${Math.ceil((errorUntil - now) / 1000)}`],
  ];
  return caches.default.put(key, new Response(entry.body, { headers }));
}

/**
 * Last-Modified must move whenever the bytes do, including when an older item is
 * edited or removed (the newest item's date alone would not move): it is when these
 * bytes were first rendered under this key, kept while a re-render gives the same ETag,
 * never earlier than the newest item. HTTP-dates count seconds, so it is that second.
 */
function lastModified(rendered: Rendered, etag: string, previous: Entry | undefined, now: number): number {
  if (previous?.etag === etag && Number.isFinite(previous.lastModifiedMs)) return previous.lastModifiedMs;
  const first = Math.max(rendered.newestMs ?? 0, now);
  return first - (first % 1000);
}

/** The per-app cache: the in-isolate tier, then the Cache API. */
export class ViewCache {
  constructor(readonly memory = new MemoryTier()) {}

  private async render(ctx: Background, request: CacheRequest, previous?: Entry): Promise<Entry> {
    const rendered = await request.render();
    // Encoded once: the same bytes are hashed, stored and sent.
    const body = typeof rendered.body === "string" ? new TextEncoder().encode(rendered.body) : rendered.body;
    const etag = rendered.etag ?? strongEtag(body);
    const entry = makeEntry({
      body,
      etag,
      lastModifiedMs: lastModified(rendered, etag, previous, request.now),
      contentType: rendered.contentType,
      link: rendered.link,
      vary: rendered.vary ?? "Accept-Encoding",
      csp: rendered.csp,
      lifetimes: freshness(request.policy, request.now, rendered.nextChangeMs),
    });
    if (isFresh(entry, request.now)) {
      this.memory.set(request.key, entry);
      ctx.waitUntil(toCacheApi(request.key, entry, request.now));
    }
    return entry;
  }

  private async lookup(key: string): Promise<Entry | undefined> {
    const entry = this.memory.get(key);
    if (entry) return entry;
    const stored = await fromCacheApi(key);
    if (stored) this.memory.set(key, stored);
    return stored;
  }

  /**
   * Answers from the cache when it can: HIT while fresh; STALE while the entry may be
   * served stale, refreshing it in the background; otherwise renders (MISS), falling
   * back to the stale entry if rendering fails within stale-if-error.
   */
  async serve(http: Request, ctx: Background, request: CacheRequest): Promise<Response> {
    const { now, policy } = request;
    const entry = await this.lookup(request.key);
    if (!entry) return answer(http, await this.render(ctx, request), "MISS", policy, now);
    if (isFresh(entry, now)) return answer(http, entry, "HIT", policy, now);
    if (now < entry.lifetimes.staleUntil) {
      ctx.waitUntil(
        this.render(ctx, request, entry).catch((error: unknown) =>
          console.error("background revalidation failed", error),
        ),
      );
      return answer(http, entry, "STALE", policy, now);
    }
    try {
      return answer(http, await this.render(ctx, request, entry), "MISS", policy, now);
    } catch (error) {
      if (now < entry.lifetimes.errorUntil) {
        console.error("rendering failed; serving the stale copy", error);
        return answer(http, entry, "STALE", policy, now);
      }
      throw error;
    }
  }
}
