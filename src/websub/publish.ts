// WebSub publishing (W3C WebSub §5): on each Cron Trigger, tell the hub about exactly the
// feeds whose contents changed since the last run, e.g. when a scheduled article became
// visible. Pings that fail are kept and retried on the next run.
import type { SiteConfig } from "../config.js";
import { FORMAT_NAMES, FORMATS } from "../feed/formats.js";
import type { Filters } from "../feed/select.js";
import { scopePath } from "../http/feed-route.js";
import { DEFAULT_LIMIT } from "../http/query.js";
import type { ArticleStore } from "../store/store.js";

/** What the last run saw: each feed's fingerprint, and the pings still to deliver. */
export interface PublishState {
  fingerprints: Record<string, string>;
  pending: string[];
}

export interface PublishDeps {
  store: ArticleStore;
  now: () => number;
  state: KVNamespace;
  fetch: typeof fetch;
}

export interface PublishReport {
  pinged: string[];
  failed: string[];
}

const STATE_KEY = "websub-state";

/** Every subscription feed of the site: all articles, and each topic, provider and category. */
async function views(store: ArticleStore, now: number): Promise<{ path: string; filters: Filters }[]> {
  const out: { path: string; filters: Filters }[] = [{ path: "", filters: { topics: [] } }];
  for (const term of await store.summaries(now)) {
    out.push({
      path: scopePath(term.kind, term.slug),
      filters: {
        topics: term.kind === "topic" ? [term.slug] : [],
        provider: term.kind === "provider" ? term.slug : undefined,
        category: term.kind === "category" ? term.slug : undefined,
      },
    });
  }
  return out;
}

/** The first page of a feed, as subscribers receive it: its fingerprint changes when it does. */
async function fingerprint(store: ArticleStore, filters: Filters, now: number): Promise<string> {
  const { items, last } = await store.select({ filters, now, limit: DEFAULT_LIMIT, paging: true });
  const bytes = new TextEncoder().encode(JSON.stringify([last, items]));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest.subarray(0, 12), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

async function ping(deps: PublishDeps, hub: string, url: string): Promise<boolean> {
  try {
    const response = await deps.fetch(hub, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ "hub.mode": "publish", "hub.url": url }).toString(),
    });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

export async function publishChanges(deps: PublishDeps, site: SiteConfig): Promise<PublishReport> {
  if (!site.hub) return { pinged: [], failed: [] };
  const now = deps.now();
  const previous = (await deps.state.get<PublishState>(STATE_KEY, "json")) ?? { fingerprints: {}, pending: [] };
  const next: PublishState = { fingerprints: {}, pending: [] };
  const due = new Set(previous.pending);
  for (const view of await views(deps.store, now)) {
    const print = await fingerprint(deps.store, view.filters, now);
    next.fingerprints[view.path || "/"] = print;
    if (previous.fingerprints[view.path || "/"] !== print) {
      for (const format of FORMAT_NAMES) due.add(`${site.origin}${view.path}/${FORMATS[format].file}`);
    }
  }
  const report: PublishReport = { pinged: [], failed: [] };
  for (const url of due) {
    if (await ping(deps, site.hub, url)) report.pinged.push(url);
    else report.failed.push(url);
  }
  next.pending = report.failed;
  await deps.state.put(STATE_KEY, JSON.stringify(next));
  if (report.failed.length > 0) console.error(`WebSub: ${report.failed.length} ping(s) failed; retrying next run`);
  return report;
}
