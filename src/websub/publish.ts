// WebSub publishing (W3C WebSub §5): on each Cron Trigger, tell the hub about the feeds
// whose first page changed since the last run (a push, or a scheduled article becoming
// visible). One store call finds them; pings carry many feed URLs each, run a few at a
// time, each with a timeout, and stay within a run's subrequest budget: what fails or
// does not fit is kept, most recently changed first, for the next run.
import { z } from "zod";
import type { SiteConfig } from "../config.js";
import { FORMAT_NAMES, FORMATS } from "../feed/formats.js";
import { scopePath } from "../http/feed-route.js";
import type { ArticleStore, ChangedView } from "../store/store.js";

export interface PingLimits {
  /** Feed URLs per publish POST (`hub.url` repeated; hubs such as Google's accept many). */
  urlsPerRequest: number;
  /** POSTs per run: Workers allow 50 subrequests per invocation on the Free plan, 1,000 on Paid. */
  requestsPerRun: number;
  /** POSTs in flight at once (Workers keep six connections open per invocation). */
  concurrency: number;
  /** How long one POST may take before it counts as failed. */
  timeoutMs: number;
}

export const DEFAULT_PING_LIMITS: PingLimits = {
  urlsPerRequest: 20,
  requestsPerRun: 40,
  concurrency: 6,
  timeoutMs: 10_000,
};

export interface PublishDeps {
  store: ArticleStore;
  now: () => number;
  state: KVNamespace;
  fetch: typeof fetch;
  limits?: Partial<PingLimits>;
  /** Where a failed ping is reported: one JSON line on the console by default. */
  log?: (line: Record<string, unknown>) => void;
}

export interface PublishReport {
  pinged: string[];
  failed: string[];
  /** URLs left for the next run because this one's budget was spent. */
  carried: number;
}

const STATE_KEY = "websub-state";

/** What the last run left: where it stopped, and the pings still to deliver. Parsed, never trusted. */
const PublishState = z.object({
  marker: z.object({ ms: z.number(), content: z.string() }).optional(),
  pending: z.array(z.object({ url: z.string(), changedMs: z.number() })).default([]),
});
type PublishState = z.output<typeof PublishState>;

interface Due {
  url: string;
  changedMs: number;
}

const feedUrls = (site: SiteConfig, view: ChangedView) =>
  FORMAT_NAMES.map((format) => `${site.origin}${scopePath(view.kind, view.slug)}/${FORMATS[format].file}`);

/** The pending pings and the newly changed feeds, once each, most recently changed first. */
function duePings(site: SiteConfig, pending: Due[], views: ChangedView[]): Due[] {
  const due = new Map<string, number>();
  const add = (url: string, changedMs: number) => due.set(url, Math.max(changedMs, due.get(url) ?? changedMs));
  for (const { url, changedMs } of pending) add(url, changedMs);
  for (const view of views) for (const url of feedUrls(site, view)) add(url, view.changedMs);
  return [...due].map(([url, changedMs]) => ({ url, changedMs })).sort((a, b) => b.changedMs - a.changedMs);
}

/** One publish POST for a group of URLs: true when the hub took it (2xx) in time. */
async function ping(deps: PublishDeps, hub: string, urls: string[], timeoutMs: number): Promise<boolean> {
  const started = Date.now();
  const body = new URLSearchParams([["hub.mode", "publish"], ...urls.map((url) => ["hub.url", url])]);
  let outcome: string;
  try {
    const response = await deps.fetch(hub, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: body.toString(),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    if (response.ok) return true;
    outcome = `status ${response.status}`;
  } catch (error) {
    outcome = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  const log = deps.log ?? ((line) => console.error(JSON.stringify(line)));
  log({ event: "websub_ping_failed", hub, urls: urls.length, outcome, ms: Date.now() - started });
  return false;
}

/** Runs `work` over every item with at most `concurrency` in flight. */
async function pool<T, R>(items: T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const at = next++;
      results[at] = await work(items[at] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let at = 0; at < items.length; at += size) out.push(items.slice(at, at + size));
  return out;
}

export async function publishChanges(deps: PublishDeps, site: SiteConfig): Promise<PublishReport> {
  if (!site.hub) return { pinged: [], failed: [], carried: 0 };
  const hub = site.hub;
  const limits = { ...DEFAULT_PING_LIMITS, ...deps.limits };
  const now = deps.now();
  const stored = PublishState.safeParse(await deps.state.get(STATE_KEY, "json"));
  const previous: PublishState = stored.success ? stored.data : { pending: [] };
  const { views, marker } = await deps.store.changes(previous.marker, now);
  const due = duePings(site, previous.pending, views);
  const budget = limits.urlsPerRequest * limits.requestsPerRun;
  const groups = chunks(due.slice(0, budget), limits.urlsPerRequest);
  const delivered = await pool(groups, limits.concurrency, (group) =>
    ping(
      deps,
      hub,
      group.map((entry) => entry.url),
      limits.timeoutMs,
    ),
  );
  const report: PublishReport = { pinged: [], failed: [], carried: Math.max(0, due.length - budget) };
  const pending: Due[] = [];
  groups.forEach((group, i) => {
    for (const entry of group) {
      if (delivered[i]) report.pinged.push(entry.url);
      else {
        report.failed.push(entry.url);
        pending.push(entry);
      }
    }
  });
  pending.push(...due.slice(budget));
  const next: PublishState = { marker, pending: pending.sort((a, b) => b.changedMs - a.changedMs) };
  await deps.state.put(STATE_KEY, JSON.stringify(next));
  return report;
}
