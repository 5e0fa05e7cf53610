// WebSub: feeds advertise the hub, and the cron pings it for exactly the changed feeds.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it, onTestFinished, vi } from "vitest";
import { siteConfig } from "../src/config.js";
import { publishChanges } from "../src/websub/publish.js";
import { article, fixtureApp, NOW } from "./support/app.js";

const HUB = "https://hub.example/";
const ORIGIN = "http://127.0.0.1:8787";
const at = (ms: number) => ({ publishedMs: ms, published: new Date(ms).toISOString().replace(".000Z", "Z") });
const AI = { label: "AI", slug: "ai" };
const SPACE = { label: "Space", slug: "space" };
const NATURE = { name: "Nature", slug: "nature", domain: "nature.com", url: "https://nature.com/" };

const feeds = (path: string) => ["rss.xml", "atom.xml", "feed.json"].map((file) => `${ORIGIN}${path}/${file}`);

/** A hub that records every ping and answers with the next status in line (202 by default). */
function fakeHub(statuses: number[] = []) {
  const pings: { url: string; body: string; type: string | null }[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    // The raw bytes, decoded: workerd warns when .text() reads a form-encoded body.
    const body = new TextDecoder().decode(await request.arrayBuffer());
    pings.push({ url: request.url, body, type: request.headers.get("Content-Type") });
    return new Response(null, { status: statuses.shift() ?? 202 });
  };
  return { pings, fetch: fetch as typeof globalThis.fetch };
}

function publisher(fetchFeed: ReturnType<typeof fixtureApp>, hub: ReturnType<typeof fakeHub>) {
  return () =>
    publishChanges(
      { store: fetchFeed.store, now: () => fetchFeed.clock.now, state: env.WEBSUB_STATE, fetch: hub.fetch },
      siteConfig(fetchFeed.env),
    );
}

beforeEach(async () => {
  await env.WEBSUB_STATE.delete("websub-state");
});

describe("hub advertisement", () => {
  it("puts the hub in every format and in the Link header when one is configured", async () => {
    const fetchFeed = fixtureApp([article()], NOW, { WEBSUB_HUB: HUB });
    const rss = await fetchFeed("/rss.xml");
    expect(rss.headers.get("Link")).toContain(`<${HUB}>; rel="hub"`);
    expect(rss.headers.get("Link")).toContain(`<${ORIGIN}/rss.xml>; rel="self"`);
    expect(await rss.text()).toContain(`<atom:link rel="hub" href="${HUB}"/>`);
    expect(await (await fetchFeed("/atom.xml")).text()).toContain(`<link rel="hub" href="${HUB}"/>`);
    const json = (await (await fetchFeed("/feed.json")).json()) as { hubs: unknown };
    expect(json.hubs).toEqual([{ type: "WebSub", url: HUB }]);
  });

  it("advertises nothing without a hub", async () => {
    const fetchFeed = fixtureApp([article()]);
    const rss = await fetchFeed("/rss.xml");
    expect(rss.headers.get("Link")).not.toContain("hub");
    expect(await rss.text()).not.toContain('rel="hub"');
    expect(await (await fetchFeed("/atom.xml")).text()).not.toContain('rel="hub"');
    expect(await (await fetchFeed("/feed.json")).text()).not.toContain("hubs");
  });
});

describe("publishing", () => {
  const past = article({ ...at(NOW - 3_600_000), topics: [SPACE] });
  const scheduled = article({ ...at(NOW + 60_000), topics: [AI], provider: NATURE });
  const older = article({ ...at(NOW - 7_200_000), topics: [AI], provider: NATURE });

  it("pings every feed on the first run, with a form-encoded publish request", async () => {
    const fetchFeed = fixtureApp([past, older, scheduled], NOW, { WEBSUB_HUB: HUB });
    const hub = fakeHub();
    const report = await publisher(fetchFeed, hub)();
    const expected = [...feeds(""), ...feeds("/providers/nature"), ...feeds("/topics/ai"), ...feeds("/topics/space")];
    expect(report.pinged.sort()).toEqual(expected.sort());
    expect(hub.pings[0]).toEqual({
      url: HUB,
      type: "application/x-www-form-urlencoded",
      body: `hub.mode=publish&hub.url=${encodeURIComponent(`${ORIGIN}/rss.xml`)}`,
    });
  });

  it("pings exactly the feeds a newly visible article changed, once", async () => {
    const fetchFeed = fixtureApp([past, older, scheduled], NOW, { WEBSUB_HUB: HUB });
    const hub = fakeHub();
    const publish = publisher(fetchFeed, hub);
    await publish();
    hub.pings.length = 0;

    expect((await publish()).pinged).toEqual([]);
    fetchFeed.clock.now = NOW + 60_000;
    const report = await publish();
    expect(report.pinged.sort()).toEqual([...feeds(""), ...feeds("/providers/nature"), ...feeds("/topics/ai")].sort());
    expect(hub.pings).toHaveLength(9);
    expect((await publish()).pinged).toEqual([]);
  });

  it("retries failed pings on the next run without losing them", async () => {
    const fetchFeed = fixtureApp([past], NOW, { WEBSUB_HUB: HUB });
    const hub = fakeHub([503, 500]);
    const publish = publisher(fetchFeed, hub);
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    onTestFinished(() => logged.mockRestore());
    const first = await publish();
    expect(first.failed).toEqual(feeds("").slice(0, 2));
    const second = await publish();
    expect(second.pinged.sort()).toEqual(feeds("").slice(0, 2).sort());
    expect(second.failed).toEqual([]);
    expect((await publish()).pinged).toEqual([]);
    expect(logged.mock.calls).toEqual([["WebSub: 2 ping(s) failed; retrying next run"]]);
  });

  it("sends nothing without a hub", async () => {
    const fetchFeed = fixtureApp([past]);
    const hub = fakeHub();
    expect(await publisher(fetchFeed, hub)()).toEqual({ pinged: [], failed: [] });
    expect(hub.pings).toEqual([]);
  });
});
