// How long a rendered feed may be reused, capped so that a scheduled article appears on time.
import type { CachePolicy } from "../config.js";

export interface Freshness {
  /** Until when the response is fresh (epoch ms). */
  freshUntil: number;
  /** Until when a stale copy may be served while revalidating. */
  staleUntil: number;
  /** Until when a stale copy may be served if rendering fails. */
  errorUntil: number;
}

/**
 * Lifetimes from the policy, none past `nextChangeMs` (when the next scheduled article
 * becomes visible): after it, a stale copy would hide that article. Only a failed
 * render may still fall back to one.
 */
export function freshness(policy: CachePolicy, now: number, nextChangeMs: number | undefined): Freshness {
  const limit = nextChangeMs ?? Number.POSITIVE_INFINITY;
  const freshUntil = Math.min(now + policy.maxAge * 1000, limit);
  const staleUntil = Math.min(freshUntil + policy.staleWhileRevalidate * 1000, limit);
  return { freshUntil, staleUntil, errorUntil: staleUntil + policy.staleIfError * 1000 };
}

const secondsUntil = (until: number, now: number) => Math.max(0, Math.floor((until - now) / 1000));

/** The Cache-Control a client sees at `now`, for a response with these lifetimes. */
export function cacheControl(lifetimes: Freshness, policy: CachePolicy, now: number): string {
  const maxAge = secondsUntil(lifetimes.freshUntil, now);
  const swr = Math.max(0, secondsUntil(lifetimes.staleUntil, now) - maxAge);
  return `public, max-age=${maxAge}, s-maxage=${maxAge}, stale-while-revalidate=${swr}, stale-if-error=${policy.staleIfError}`;
}
