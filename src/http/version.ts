// The content version as the request path knows it: held in the isolate, so that a
// cache hit names its key without a store call; the store refreshes it in the background.
import type { ArticleStore } from "../store/store.js";
import type { Background } from "./cache.js";

/** How long the isolate trusts the version it holds before asking the store again (like D1's re-read). */
export const VERSION_REFRESH_MS = 30_000;

export class IsolateVersion {
  private known?: { version: string; readAt: number };
  private refreshing?: Promise<void>;

  constructor(
    private readonly store: ArticleStore,
    private readonly now: () => number,
  ) {}

  /**
   * The version, if one was read: past its refresh interval it is still used (a push is
   * seen one request later) while the store is asked again after the response.
   */
  peek(ctx: Background): string | undefined {
    const known = this.known;
    if (known && this.now() - known.readAt >= VERSION_REFRESH_MS && !this.refreshing) {
      this.refreshing = this.read()
        .then(() => undefined)
        .catch((error: unknown) => console.error("content version refresh failed; keeping the last one", error))
        .finally(() => {
          this.refreshing = undefined;
        });
      ctx.waitUntil(this.refreshing);
    }
    return known?.version;
  }

  /** The version, read from the store when none is held yet. */
  async get(ctx: Background): Promise<string> {
    return this.peek(ctx) ?? this.read();
  }

  private async read(): Promise<string> {
    const readAt = this.now();
    const version = await this.store.version();
    this.known = { version, readAt };
    return version;
  }
}
