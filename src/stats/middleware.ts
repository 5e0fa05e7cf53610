// Counting feed subscribers without slowing the feeds: after a feed request is answered
// (hit, miss or 304), its User-Agent is classified and, at most once per feed, client and
// day in this isolate, one row is written to D1 in waitUntil. The response is not touched.
import type { MiddlewareHandler } from "hono";
import { classify } from "./classify.js";
import { dayOf } from "./figures.js";
import { quickHash, WindowKeys } from "./fingerprint.js";
import { subscribedPath } from "./path.js";
import { statsSettings } from "./settings.js";
import { writeClient, writeHosted } from "./store.js";

/** Distinct feed/client pairs one isolate remembers per day; past it, new ones go uncounted until tomorrow. */
export const SEEN_LIMIT = 20_000;

/** What counting needs of a request, read before the response leaves. */
export interface FeedRequest {
  method: string;
  url: string;
  status: number;
  /** User-Agent, and CF-Connecting-IP, read only for an individual reader and kept only inside the HMAC. */
  headers: Pick<Headers, "get">;
}

/**
 * Readers poll the same few URLs with the same few agents: their classification and view
 * path are remembered (a bounded map, emptied when full) rather than parsed on every hit.
 */
const MEMO_LIMIT = 256;

function memo<T>(compute: (key: string) => T): (key: string) => T {
  // Values are boxed so that one lookup tells a remembered undefined from an unknown key.
  const known = new Map<string, { value: T }>();
  return (key) => {
    const hit = known.get(key);
    if (hit) return hit.value;
    if (known.size >= MEMO_LIMIT) known.clear();
    const value = compute(key);
    known.set(key, { value });
    return value;
  };
}

export class SubscriberCounter {
  private readonly classify = memo(classify);
  private readonly path = memo((url) => subscribedPath(new URL(url)));
  private day = Number.NaN;
  /**
   * Today's feed/client pairs: service → view path → feed id (hosted) or quick hash
   * (individual). Nested rather than one joined string, so a hit hashes no new string: the
   * path and service are the memoised instances, whose hashes V8 keeps.
   */
  private seen = new Map<string, Map<string, Set<string | number>>>();
  private size = 0;
  private keys?: { secret: string; windows: WindowKeys };

  constructor(private readonly now: () => number) {}

  /** True the first time this isolate sees the pair today, while it has room for it. */
  private first(day: number, service: string, path: string, client: string | number): boolean {
    if (day !== this.day) {
      this.day = day;
      this.seen = new Map();
      this.size = 0;
    }
    let paths = this.seen.get(service);
    if (!paths) {
      paths = new Map();
      this.seen.set(service, paths);
    }
    let clients = paths.get(path);
    if (!clients) {
      clients = new Set();
      paths.set(path, clients);
    }
    if (clients.has(client) || this.size >= SEEN_LIMIT) return false;
    clients.add(client);
    this.size++;
    return true;
  }

  private windowKeys(secret: string): WindowKeys {
    if (this.keys?.secret !== secret) this.keys = { secret, windows: new WindowKeys(secret) };
    return this.keys.windows;
  }

  /**
   * What this request adds to the counts, decided at once (nothing, on a repeated hit by a
   * hosted reader, a browser or a bot); a promise, for waitUntil, only when work remains.
   */
  count(request: FeedRequest, db: D1Database, secret: string): Promise<void> | undefined {
    if ((request.method !== "GET" && request.method !== "HEAD") || (request.status !== 200 && request.status !== 304))
      return;
    const userAgent = request.headers.get("User-Agent") ?? "";
    const who = this.classify(userAgent.slice(0, 512));
    if (who.kind === "ignored") return;
    const path = this.path(request.url);
    if (!path) return;
    const day = dayOf(this.now());
    if (who.kind === "hosted") {
      if (!this.first(day, who.service, path, who.feedId)) return;
      const report = { day, path, service: who.service, feedId: who.feedId, subscribers: who.subscribers };
      return logged(writeHosted(db, report));
    }
    const address = request.headers.get("CF-Connecting-IP") ?? "";
    if (!this.first(day, who.service, path, quickHash(`${address}\n${userAgent}`))) return;
    return logged(this.client(day, path, who.service, address, userAgent, db, secret));
  }

  /** An individual reader new today: its ids in the 7 windows of today, written at once. */
  private async client(
    day: number,
    path: string,
    service: string,
    address: string,
    userAgent: string,
    db: D1Database,
    secret: string,
  ) {
    const ids = await this.windowKeys(secret).windows(day, address, userAgent);
    await writeClient(db, { day, path, service, ids });
  }
}

/** A lost count, not a lost request: the feed was already answered. */
const logged = (work: Promise<unknown>) =>
  work.then(
    () => undefined,
    (error: unknown) => console.error("subscriber count not written", error),
  );

/**
 * The hook for any request path: call it once the request is answered, with the status
 * it got. Outside Hono too (a fast path before the router keeps counting by calling it).
 */
export function countRequest(
  counter: SubscriberCounter,
  request: Request,
  status: number,
  env: object,
  ctx: { waitUntil(promise: Promise<unknown>): void },
): void {
  const settings = statsSettings(env);
  if (settings.state !== "on") return;
  // The Request itself and the status, not a copy: a repeated hit allocates nothing here.
  const work = counter.count(
    { method: request.method, url: request.url, status, headers: request.headers },
    settings.db,
    settings.secret,
  );
  if (work) ctx.waitUntil(work);
}

/** The hook as Hono middleware: one per app, first in its chain, so it sees the final status. */
export function countSubscribers(counter: SubscriberCounter): MiddlewareHandler {
  return async (c, next) => {
    await next();
    countRequest(counter, c.req.raw, c.res.status, c.env, c.executionCtx);
  };
}
