// D1 at 10,000 terms: the home page, OPML and term pages cost a constant number of
// statements, within the Free plan's 50 per invocation; the WebSub cron finds 10,000
// changed feeds in one query and pings them within its subrequest budget through a hub
// that fails, hangs and recovers, losing none, most recently changed first.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { siteConfig } from "../src/config.js";
import type { Article } from "../src/content/article.js";
import { D1Store } from "../src/store/d1.js";
import { publishChanges } from "../src/websub/publish.js";
import { appOver, article, NOW, nextVersion } from "./support/app.js";
import { loadD1, wrappedD1 } from "./support/stores.js";

const TERMS = 10_000;
const HUB = "https://hub.example/";
const ORIGIN = "http://127.0.0.1:8787";
const at = (ms: number) => ({ publishedMs: ms, published: new Date(ms).toISOString().replace(".000Z", "Z") });
const slug = (i: number) => `topic-${String(i).padStart(5, "0")}`;

/** One article per topic, a minute apart, newest first; the newest ten are still scheduled. */
function corpus(): Article[] {
  return Array.from({ length: TERMS }, (_, i) =>
    article({
      id: `a${String(i).padStart(5, "0")}`,
      ...at(NOW + 10 * 60_000 - i * 60_000),
      topics: [{ label: `Topic ${String(i).padStart(5, "0")}`, slug: slug(i) }],
      provider: { name: `Provider ${i % 50}`, slug: `provider-${i % 50}` },
    }),
  );
}

beforeAll(async () => {
  await loadD1(corpus(), nextVersion());
}, 120_000);

describe("10,000 terms in D1", () => {
  it("list on /, /feeds.opml and a term page in one batch of a few statements", async () => {
    const { db, traffic } = wrappedD1();
    const store = new D1Store(db, { clock: () => NOW, versionKey: `https://d1-store.invalid/${nextVersion()}` });
    await store.version();
    const fetchFeed = appOver(store);
    for (const path of ["/", "/feeds.opml", `/topics/${slug(500)}/`, `/topics/${slug(500)}/rss.xml`]) {
      traffic.roundTrips = 0;
      traffic.statements = 0;
      const response = await fetchFeed(path);
      const body = await response.text();
      expect(response.status, path).toBe(200);
      expect(traffic.roundTrips, path).toBe(1);
      expect(traffic.statements, path).toBeLessThanOrEqual(50);
      if (path === "/feeds.opml") {
        // Every visible topic, none of the ten scheduled ones.
        expect(body.match(/\/topics\/topic-\d+\/rss\.xml/g)).toHaveLength(TERMS - 10);
        expect(body).not.toContain(`/topics/${slug(9)}/`);
        expect(body).toContain(`/topics/${slug(10)}/`);
      }
    }
  });

  it("find every changed feed in one query and ping them through a flaky hub within the budget", async () => {
    await env.WEBSUB_STATE.delete("websub-state");
    const { db, traffic } = wrappedD1();
    const clock = { now: NOW };
    const store = new D1Store(db, { clock: () => clock.now });
    const delivered = new Map<string, number>();
    let inFlight = 0;
    let maxInFlight = 0;
    let mode: "fail" | "hang" | "ok" = "fail";
    let posts = 0;
    const firstBodies: string[][] = [];
    const hub = (async (_input: RequestInfo | URL, init?: RequestInit) => {
      posts++;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        const urls = new URLSearchParams(String(init?.body)).getAll("hub.url");
        firstBodies.push(urls);
        // Every third POST fails or hangs while the hub is unwell.
        if (mode !== "ok" && posts % 3 === 0) {
          if (mode === "fail") return new Response("overloaded", { status: 503 });
          await new Promise((_, reject) =>
            init?.signal?.addEventListener("abort", () => reject(init.signal?.reason), { once: true }),
          );
        }
        for (const url of urls) delivered.set(url, (delivered.get(url) ?? 0) + 1);
        return new Response(null, { status: 202 });
      } finally {
        inFlight--;
      }
    }) as typeof fetch;
    const logs: Record<string, unknown>[] = [];
    const limits = { urlsPerRequest: 100, requestsPerRun: 40, concurrency: 6, timeoutMs: 20 };
    const run = async () => {
      traffic.roundTrips = 0;
      posts = 0;
      const report = await publishChanges(
        { store, now: () => clock.now, state: env.WEBSUB_STATE, fetch: hub, limits, log: (line) => logs.push(line) },
        siteConfig({ ...env, WEBSUB_HUB: HUB } as unknown as Env),
      );
      // One D1 round trip per run, and never more POSTs than the budget.
      expect(traffic.roundTrips).toBe(1);
      expect(posts).toBeLessThanOrEqual(limits.requestsPerRun);
      return report;
    };
    const first = await run();
    // Most recently changed first: the newest visible topic's feeds lead the first run.
    expect(firstBodies[0]?.slice(0, 9)).toContain(`${ORIGIN}/topics/${slug(10)}/rss.xml`);
    expect(firstBodies[0]?.slice(0, 9)).toContain(`${ORIGIN}/rss.xml`);
    expect(first.carried).toBeGreaterThan(0);
    expect(first.failed.length).toBeGreaterThan(0);
    mode = "hang";
    const second = await run();
    expect(second.failed.length).toBeGreaterThan(0);
    expect(logs.some((line) => String(line.outcome).includes("TimeoutError"))).toBe(true);
    mode = "ok";
    let report = second;
    for (let runs = 0; runs < 20 && (report.carried > 0 || report.failed.length > 0 || runs === 0); runs++) {
      report = await run();
    }
    expect(report.carried).toBe(0);
    expect(report.failed).toEqual([]);
    expect(maxInFlight).toBeLessThanOrEqual(limits.concurrency);
    // Every visible feed reached the hub; no scheduled one did.
    const expected = (TERMS - 10 + 50 + 1) * 3;
    expect(delivered.size).toBe(expected);
    expect([...delivered.keys()].some((url) => url.includes(`/topics/${slug(9)}/`))).toBe(false);
    expect(delivered.has(`${ORIGIN}/topics/${slug(10)}/atom.xml`)).toBe(true);

    // A scheduled article becoming visible: exactly its feeds, in one run.
    delivered.clear();
    clock.now = NOW + 60_000 * 1;
    const next = await run();
    expect(next.pinged.sort()).toEqual(
      [`/topics/${slug(9)}`, "/providers/provider-9", ""]
        .flatMap((path) => ["rss.xml", "atom.xml", "feed.json"].map((file) => `${ORIGIN}${path}/${file}`))
        .sort(),
    );
  }, 120_000);
});
