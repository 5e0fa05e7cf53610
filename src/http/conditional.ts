// Conditional GET (RFC 9110 §13): does the client's copy still match this representation?
import { createHash } from "node:crypto";

/** Weak comparison (§8.8.3.2): `W/"x"` matches `"x"`; compression layers weaken ETags. */
const opaque = (tag: string) => tag.trim().replace(/^W\//, "");

export function matchesIfNoneMatch(header: string, etag: string): boolean {
  if (header.trim() === "*") return true;
  const ours = opaque(etag);
  return header.split(",").some((tag) => opaque(tag) === ours);
}

/**
 * True when the client's copy is current. If-None-Match, when sent, decides alone
 * (§13.2.2); If-Modified-Since counts only without it, and only with a valid date.
 */
export function isNotModified(headers: Headers, etag: string, lastModifiedMs: number | undefined): boolean {
  const ifNoneMatch = headers.get("If-None-Match");
  if (ifNoneMatch !== null) return matchesIfNoneMatch(ifNoneMatch, etag);
  const ifModifiedSince = headers.get("If-Modified-Since");
  if (ifModifiedSince === null || lastModifiedMs === undefined) return false;
  const since = Date.parse(ifModifiedSince);
  return !Number.isNaN(since) && lastModifiedMs <= since;
}

/**
 * A strong ETag from the body's bytes: it changes exactly when the bytes do. SHA-256 from
 * node:crypto, which hashes in place; WebCrypto's digest is asynchronous, and awaiting it
 * cost a cache miss more than hashing 100 KB does.
 */
export function strongEtag(body: Uint8Array): string {
  return `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`;
}
