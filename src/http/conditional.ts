// Conditional GET (RFC 9110 §13): does the client's copy still match this representation?
import { createHash } from "node:crypto";

/** Weak comparison (§8.8.3.2): `W/"x"` matches `"x"`; compression layers weaken ETags. */
const opaque = (tag: string) => tag.trim().replace(/^W\//, "");

export function matchesIfNoneMatch(header: string, etag: string): boolean {
  // What a reader sends back nearly every time: the tag itself, matched without parsing.
  if (header === etag) return true;
  if (header.trim() === "*") return true;
  const ours = opaque(etag);
  return header.split(",").some((tag) => opaque(tag) === ours);
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAY = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
const LONG_DAY = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";
const MON = `(${MONTHS.join("|")})`;
const TIME = "(\\d{2}):(\\d{2}):(\\d{2})";
/** The three forms of RFC 9110 §5.6.7: IMF-fixdate, and the obsolete RFC 850 and asctime forms. */
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MON} (\\d{4}) ${TIME} GMT$`);
const RFC_850 = new RegExp(`^${LONG_DAY}, (\\d{2})-${MON}-(\\d{2}) ${TIME} GMT$`);
const ASCTIME = new RegExp(`^${DAY} ${MON} ([ \\d]\\d) ${TIME} (\\d{4})$`);

function utc(year: number, month: string, day: string, hh: string, mm: string, ss: string): number | undefined {
  const ms = Date.UTC(year, MONTHS.indexOf(month), Number(day), Number(hh), Number(mm), Number(ss));
  // Reject what Date.UTC would roll over, e.g. 31 Feb or 25:00.
  const back = new Date(ms);
  return back.getUTCDate() === Number(day) && back.getUTCHours() === Number(hh) && Number(ss) < 60 ? ms : undefined;
}

/**
 * An HTTP-date in epoch ms, or undefined for anything else. Date.parse is not used: it
 * takes `3000`, `2026-06-01` or `Dec 31 2099`, which RFC 9110 says to ignore.
 */
export function parseHttpDate(value: string, now: number): number | undefined {
  let match = IMF_FIXDATE.exec(value);
  if (match) return utc(Number(match[3]), match[2] as string, match[1] as string, ...hms(match, 4));
  match = ASCTIME.exec(value);
  if (match) return utc(Number(match[6]), match[1] as string, (match[2] as string).trim(), ...hms(match, 3));
  match = RFC_850.exec(value);
  if (!match) return undefined;
  // A two-digit year more than 50 years ahead is in the past century (§5.6.7).
  const century = Math.floor(new Date(now).getUTCFullYear() / 100) * 100;
  let year = century + Number(match[3]);
  if (year > new Date(now).getUTCFullYear() + 50) year -= 100;
  return utc(year, match[2] as string, match[1] as string, ...hms(match, 4));
}

const hms = (match: RegExpExecArray, from: number) =>
  [match[from], match[from + 1], match[from + 2]] as [string, string, string];

/**
 * True when the client's copy is current. If-None-Match, when sent, decides alone
 * (§13.2.2); If-Modified-Since counts only without it, and only when it is one valid
 * HTTP-date no later than now (§13.1.3): a date from the future was never a
 * Last-Modified this service sent, and would hide every later change.
 */
export function isNotModified(headers: Headers, etag: string, lastModifiedMs: number, now: number): boolean {
  const ifNoneMatch = headers.get("If-None-Match");
  if (ifNoneMatch !== null) return matchesIfNoneMatch(ifNoneMatch, etag);
  const ifModifiedSince = headers.get("If-Modified-Since");
  if (ifModifiedSince === null || !Number.isFinite(lastModifiedMs)) return false;
  const since = parseHttpDate(ifModifiedSince.trim(), now);
  return since !== undefined && since <= now && lastModifiedMs <= since;
}

/**
 * A strong ETag from the body's bytes: it changes exactly when the bytes do. SHA-256 from
 * node:crypto, which hashes in place; WebCrypto's digest is asynchronous, and awaiting it
 * cost a cache miss more than hashing 100 KB does.
 */
export function strongEtag(body: Uint8Array): string {
  return `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`;
}
