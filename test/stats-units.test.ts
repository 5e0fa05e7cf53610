// The pure parts of subscriber counting: the 7-day figures from daily rows, and the
// per-window client ids.
import { describe, expect, it } from "vitest";
import { feedFigures, type HostedRow, type IndividualRow } from "../src/stats/figures.js";
import { WindowKeys } from "../src/stats/fingerprint.js";
import { subscribedPath } from "../src/stats/path.js";

const hosted = (day: number, service: string, feed_id: string, subscribers: number, path = "/rss.xml"): HostedRow => ({
  day,
  path,
  service,
  feed_id,
  subscribers,
});

describe("feedFigures", () => {
  it("sums each feed id's last number in the 7 days ending on a day", () => {
    const rows = [hosted(100, "Feedbin", "1", 10), hosted(103, "Feedbin", "1", 12), hosted(100, "Feedbin", "2", 5)];
    const [feed] = feedFigures(rows, [], 106, 8);
    expect(feed?.services).toEqual([{ service: "Feedbin", kind: "hosted", subscribers: 17 }]);
    // Day 106's window is 100–106; day 107's drops feed id 2's only report (day 100).
    expect(feed?.history.map((d) => d.hosted)).toEqual([0, 15, 15, 15, 17, 17, 17, 17]);
    expect(feedFigures(rows, [], 107, 1)[0]?.total).toBe(12);
    expect(feedFigures(rows, [], 110, 1)[0]?.total).toBe(0);
  });

  it("adds individual windows as they are, and orders feeds and services by size", () => {
    const individual: IndividualRow[] = [
      { day: 50, path: "/atom.xml", service: "newsboat", clients: 3 },
      { day: 50, path: "/atom.xml", service: "NetNewsWire", clients: 4 },
      { day: 49, path: "/atom.xml", service: "newsboat", clients: 9 },
    ];
    const feeds = feedFigures([hosted(50, "Feedly", "", 2, "/feed.json")], individual, 50, 2);
    expect(feeds.map((f) => [f.path, f.total])).toEqual([
      ["/atom.xml", 7],
      ["/feed.json", 2],
    ]);
    expect(feeds[0]?.services.map((s) => s.service)).toEqual(["NetNewsWire", "newsboat"]);
    expect(feeds[0]?.history).toEqual([
      { day: 49, hosted: 0, individual: 9 },
      { day: 50, hosted: 0, individual: 7 },
    ]);
  });
});

describe("WindowKeys", () => {
  it("gives a client one id per window, whatever day of the window it polls, and no id twice", async () => {
    const keys = new WindowKeys("secret-of-at-least-16");
    const monday = await keys.windows(1000, "192.0.2.1", "newsboat");
    const tuesday = await keys.windows(1001, "192.0.2.1", "newsboat");
    // Tuesday's window i is Monday's window i + 1.
    expect(tuesday.slice(0, 6)).toEqual(monday.slice(1));
    expect(new Set([...monday, ...tuesday]).size).toBe(8);
    expect(monday.every((id) => /^[0-9a-f]{32}$/.test(id))).toBe(true);
  });

  it("depends on the secret, the address and the agent", async () => {
    const id = (secret: string, address: string, ua: string) => new WindowKeys(secret).client(7, address, ua);
    const base = await id("secret-of-at-least-16", "192.0.2.1", "newsboat");
    expect(await id("another-secret-16chars", "192.0.2.1", "newsboat")).not.toBe(base);
    expect(await id("secret-of-at-least-16", "192.0.2.2", "newsboat")).not.toBe(base);
    expect(await id("secret-of-at-least-16", "192.0.2.1", "NetNewsWire")).not.toBe(base);
    expect(await id("secret-of-at-least-16", "192.0.2.1", "newsboat")).toBe(base);
  });
});

describe("subscribedPath", () => {
  it.each([
    ["/rss.xml", "/rss.xml"],
    ["/feed.json?limit=5&utm_source=x", "/feed.json"],
    ["/atom.xml?type=video&topic=ai", "/atom.xml?topic=ai&type=video"],
    ["/topics/%E4%BA%BA%E5%B7%A5/atom.xml", "/topics/%E4%BA%BA%E5%B7%A5/atom.xml"],
    ["/topics/%e4%ba%ba%e5%b7%a5/atom.xml", "/topics/%E4%BA%BA%E5%B7%A5/atom.xml"],
    ["/atom.xml?before=1779710400000.a-1", undefined],
    ["/archive/2026-01/atom.xml", undefined],
    ["/atom.xml?limit=0", undefined],
    ["/topics/%FF/atom.xml", undefined],
    // Top feeds: one view per window (the default left out, as the service's links write it).
    ["/top/feed.json?limit=10", "/top/feed.json"],
    ["/top/atom.xml?window=7d", "/top/atom.xml"],
    ["/top/rss.xml?window=30d&q=Quantum+AI&utm_source=x", "/top/rss.xml?q=ai+quantum&window=30d"],
    ["/topics/%e4%ba%ba%e5%b7%a5/top/atom.xml?window=1d", "/topics/%E4%BA%BA%E5%B7%A5/top/atom.xml?window=1d"],
    ["/top/atom.xml?before=1779710400000.a-1", undefined],
    ["/top/atom.xml?window=2d", undefined],
    ["/top/archive/2026-01/atom.xml", undefined],
    ["/embed/topics/ai/", undefined],
    ["/", undefined],
    ["/stats", undefined],
  ])("%s → %s", (path, expected) => {
    expect(subscribedPath(new URL(`http://127.0.0.1${path}`))).toBe(expected);
  });
});
