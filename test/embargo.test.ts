// Embargoed terms: a topic, provider or category whose articles are all scheduled exists
// nowhere (pages, OPML, feeds, the store's answers, WebSub pings) until its first
// article becomes visible, and then appears without a deploy or a push. Both stores,
// both sides of the instant, on the injected clock.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { siteConfig } from "../src/config.js";
import { publishChanges } from "../src/websub/publish.js";
import { article, NOW } from "./support/app.js";
import { STORE_KINDS, storeApp } from "./support/stores.js";

const HUB = "https://hub.example/";
const REVEAL = NOW + 3_600_000;
const at = (ms: number) => ({ publishedMs: ms, published: new Date(ms).toISOString().replace(".000Z", "Z") });
const AI = { label: "AI", slug: "ai" };
const SECRET = { label: "Project Nightjar", slug: "project-nightjar" };
const LAB = { name: "Hidden Lab", slug: "hidden-lab", domain: "hidden.example", url: "https://hidden.example/" };
const CLASSIFIED = { label: "Classified Briefs", slug: "classified-briefs" };
/** What must not reach any byte before REVEAL. */
const CANARIES = [
  "Project Nightjar",
  "project-nightjar",
  "Hidden Lab",
  "hidden-lab",
  "Classified Briefs",
  "classified",
];

const articles = () => [
  article({ id: "public", ...at(NOW - 86_400_000), topics: [AI], title: "A public article" }),
  article({
    id: "embargoed",
    ...at(REVEAL),
    title: "The embargoed article",
    topics: [AI, SECRET],
    provider: LAB,
    category: CLASSIFIED,
  }),
];

const TERM_DOCUMENTS = [
  "/topics/project-nightjar/",
  "/topics/project-nightjar/rss.xml",
  "/topics/project-nightjar/atom.xml",
  "/providers/hidden-lab/feed.json",
  "/providers/hidden-lab/",
  "/categories/classified-briefs/atom.xml",
  "/categories/classified-briefs/",
];
const FILTERED = [
  "/rss.xml?topic=project-nightjar",
  "/feed.json?provider=hidden-lab",
  "/atom.xml?category=classified-briefs",
];
const LISTS = ["/", "/feeds.opml", "/rss.xml", "/atom.xml", "/feed.json", "/topics/ai/", "/topics/ai/rss.xml"];

beforeEach(async () => {
  await env.WEBSUB_STATE.delete("websub-state");
});

describe.each(STORE_KINDS)("embargoed terms, %s store", (kind) => {
  it("exist nowhere a millisecond before their first article", async () => {
    const fetchFeed = storeApp(kind, articles(), REVEAL - 1, { WEBSUB_HUB: HUB });
    for (const path of TERM_DOCUMENTS) {
      const response = await fetchFeed(path);
      expect(response.status, path).toBe(404);
      const body = await response.text();
      for (const canary of ["Project Nightjar", "Hidden Lab", "Classified Briefs"])
        expect(body, path).not.toContain(canary);
    }
    for (const path of FILTERED) expect((await fetchFeed(path)).status, path).toBe(400);
    for (const path of LISTS) {
      const response = await fetchFeed(path);
      expect(response.status, path).toBe(200);
      const body = await response.text();
      for (const canary of CANARIES) expect(body, `${path} ${canary}`).not.toContain(canary);
    }
    // The store's own answers: no such term, counts without the scheduled article.
    const store = fetchFeed.store;
    expect(await store.term("topic", "project-nightjar", REVEAL - 1)).toBeUndefined();
    expect(await store.term("provider", "hidden-lab", REVEAL - 1)).toBeUndefined();
    const catalog = await store.catalog(REVEAL - 1);
    expect(catalog.terms.map((term) => term.slug)).toEqual(["ai"]);
    expect(catalog.terms[0]?.count).toBe(1);
    expect(catalog.total).toBe(1);
    expect(catalog.nextChangeMs).toBe(REVEAL);
    // Lists that will change at the instant are kept no longer than until then.
    for (const path of ["/", "/feeds.opml", "/topics/ai/"]) {
      expect((await fetchFeed(path)).headers.get("Cache-Control"), path).toMatch(/^public, max-age=0,/);
    }
    // WebSub: the first run pings every public feed, and none of the embargoed ones.
    const hub: string[] = [];
    const publish = () =>
      publishChanges(
        {
          store,
          now: () => fetchFeed.clock.now,
          state: env.WEBSUB_STATE,
          fetch: (async (_input: RequestInfo | URL, init?: RequestInit) => {
            hub.push(String(init?.body));
            return new Response(null, { status: 202 });
          }) as typeof fetch,
        },
        siteConfig(fetchFeed.env),
      );
    const first = await publish();
    expect(first.pinged.length).toBe(6);
    for (const canary of CANARIES) expect(hub.join("\n")).not.toContain(encodeURIComponent(canary));
    for (const canary of CANARIES) expect(first.pinged.join("\n")).not.toContain(canary);

    // The instant it becomes visible: every term appears, no deploy, no push.
    fetchFeed.clock.now = REVEAL;
    for (const path of [...TERM_DOCUMENTS, ...FILTERED]) expect((await fetchFeed(path)).status, path).toBe(200);
    const home = await (await fetchFeed("/")).text();
    expect(home).toContain("Project Nightjar");
    expect(home).toContain("Hidden Lab");
    expect(home).toContain("Classified Briefs");
    expect(await (await fetchFeed("/feeds.opml")).text()).toContain("/topics/project-nightjar/rss.xml");
    expect(await store.term("topic", "project-nightjar", REVEAL)).toEqual(SECRET);
    const after = await store.catalog(REVEAL);
    expect(after.terms.find((term) => term.slug === "project-nightjar")?.count).toBe(1);
    expect(after.terms.find((term) => term.slug === "ai")?.count).toBe(2);
    const second = await publish();
    for (const path of [
      "/topics/project-nightjar",
      "/providers/hidden-lab",
      "/categories/classified-briefs",
      "/topics/ai",
      "",
    ]) {
      expect(second.pinged, path).toContain(`http://127.0.0.1:8787${path}/rss.xml`);
    }
  });

  it("never takes its label from a scheduled article", async () => {
    const relabel = article({ id: "relabel", ...at(REVEAL), topics: [{ label: "AI (leaked codename)", slug: "ai" }] });
    const fetchFeed = storeApp(kind, [...articles(), relabel], REVEAL - 1);
    const body = await (await fetchFeed("/")).text();
    expect(body).not.toContain("leaked codename");
    expect(await (await fetchFeed("/topics/ai/rss.xml")).text()).not.toContain("leaked codename");
  });
});
