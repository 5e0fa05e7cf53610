// Individual readers are told apart by an HMAC of address and user agent, never stored raw.
// Each 7-day window has its own key, derived from the secret and the window's last day: a
// new key starts every day, the hash of one client is the same within a window (so it is
// counted once in it) and unrelated across windows (so it cannot be followed for longer).
import { WINDOW_DAYS } from "./figures.js";

const encoder = new TextEncoder();
const HMAC = { name: "HMAC", hash: "SHA-256" } as const;

const hex = (bytes: ArrayBuffer) =>
  Array.from(new Uint8Array(bytes).subarray(0, 16), (byte) => byte.toString(16).padStart(2, "0")).join("");

export class WindowKeys {
  private readonly root: Promise<CryptoKey>;
  private readonly keys = new Map<number, Promise<CryptoKey>>();

  constructor(secret: string) {
    this.root = crypto.subtle.importKey("raw", encoder.encode(secret), HMAC, false, ["sign"]);
  }

  private key(windowEnd: number): Promise<CryptoKey> {
    let key = this.keys.get(windowEnd);
    if (!key) {
      key = this.root
        .then((root) => crypto.subtle.sign("HMAC", root, encoder.encode(`subscriber-window:${windowEnd}`)))
        .then((raw) => crypto.subtle.importKey("raw", raw, HMAC, false, ["sign"]));
      this.keys.set(windowEnd, key);
      // The windows of today and the six days after it are in use; older keys go.
      for (const end of this.keys.keys()) if (end < windowEnd - 2 * WINDOW_DAYS) this.keys.delete(end);
    }
    return key;
  }

  /** The client's id in the window ending on `windowEnd`: 128 bits of HMAC-SHA-256, hex. */
  async client(windowEnd: number, address: string, userAgent: string): Promise<string> {
    const key = await this.key(windowEnd);
    return hex(await crypto.subtle.sign("HMAC", key, encoder.encode(`${address}\n${userAgent}`)));
  }

  /** The client's ids in the windows a request on `day` belongs to: those ending on day … day + 6. */
  windows(day: number, address: string, userAgent: string): Promise<string[]> {
    return Promise.all(Array.from({ length: WINDOW_DAYS }, (_, i) => this.client(day + i, address, userAgent)));
  }
}

/**
 * A 53-bit non-cryptographic hash (two multiplicative 32-bit lanes), for the isolate's
 * in-memory "seen today" set only: it is never stored or sent. A repeated poll is told
 * from a new client without Web Crypto, whose asynchronous HMAC costs more than a whole
 * cache hit; only a client new today is hashed with the window keys.
 */
export function quickHash(text: string): number {
  let a = 0xdeadbeef;
  let b = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    a = Math.imul(a ^ code, 2654435761);
    b = Math.imul(b ^ code, 1597334677);
  }
  a = Math.imul(a ^ (a >>> 16), 2246822507) ^ Math.imul(b ^ (b >>> 13), 3266489909);
  b = Math.imul(b ^ (b >>> 16), 2246822507) ^ Math.imul(a ^ (a >>> 13), 3266489909);
  return 4294967296 * (2097151 & b) + (a >>> 0);
}
