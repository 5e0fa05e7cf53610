// The selection rules exist twice: in src/feed/select.ts (the bundled index) and as SQL
// (src/store/d1-sql.ts). This property holds them to the same answers over random
// corpora (ties in time included), random views, pages and clocks.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Article } from "../src/content/article.js";
import { compareArticles } from "../src/content/order.js";
import { BundledStore } from "../src/store/bundled.js";
import { D1Store } from "../src/store/d1.js";
import type { ArticleStore, Filters, Position, SelectQuery } from "../src/store/store.js";
import { article, NOW } from "./support/app.js";
import { loadD1 } from "./support/stores.js";

const RUNS = Number(process.env.STORE_PROPERTY_RUNS ?? 150);
const HOUR = 3_600_000;
const TOPICS = [
  { label: "AI", slug: "ai" },
  { label: "Space", slug: "space" },
  { label: "Énergie", slug: "energie" },
];
const PROVIDERS = [
  { name: "Nature", slug: "nature" },
  { name: "BBC", slug: "bbc" },
];
const CATEGORIES = [
  { label: "News", slug: "news" },
  { label: "Research", slug: "research" },
];

/** Times on a coarse grid of hours around NOW, so that ties and scheduled articles are common. */
const record = fc.record({
  hour: fc.integer({ min: -1_500, max: 30 }),
  topics: fc.subarray(TOPICS),
  provider: fc.option(fc.constantFrom(...PROVIDERS), { nil: undefined }),
  category: fc.option(fc.constantFrom(...CATEGORIES), { nil: undefined }),
  type: fc.option(fc.constantFrom("article", "video"), { nil: undefined }),
  quality: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
});

const corpus = fc.array(record, { minLength: 0, maxLength: 30 }).map((records) =>
  records
    .map((r, i) => {
      const publishedMs = NOW + r.hour * HOUR;
      return article({
        id: `p${String(i).padStart(2, "0")}`,
        publishedMs,
        published: new Date(publishedMs).toISOString().replace(".000Z", "Z"),
        topics: r.topics,
        provider: r.provider,
        category: r.category,
        type: r.type,
        quality: r.quality,
      });
    })
    .sort(compareArticles),
);

/** Each filter is absent half the time: views of one index, and of several, are both common. */
const filters: fc.Arbitrary<Filters> = fc.record({
  topics: fc.subarray(["ai", "space", "energie", "none"], { maxLength: 2 }),
  provider: fc.option(fc.constantFrom("nature", "bbc", "none"), { nil: undefined, freq: 2 }),
  category: fc.option(fc.constantFrom("news", "research"), { nil: undefined, freq: 2 }),
  type: fc.option(fc.constantFrom("article", "video"), { nil: undefined, freq: 2 }),
  minQuality: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined, freq: 2 }),
});

const ask = fc.record({
  filters,
  clockHour: fc.integer({ min: -1_600, max: 40 }),
  clockOffset: fc.constantFrom(-1, 0, 1),
  limit: fc.integer({ min: 1, max: 6 }),
  /** Page after the article at this index (of the corpus), if any. */
  beforeIndex: fc.option(fc.nat(40), { nil: undefined }),
  /** An archive month: this many months before NOW's. */
  archiveMonthsBack: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  paging: fc.boolean(),
});

const ids = (items: Article[]) => items.map((a) => a.id);

async function answers(store: ArticleStore, query: SelectQuery) {
  const selection = await store.select(query);
  const { older, newer } = await store.neighbours(
    query.filters,
    query.now,
    query.now - 40 * 24 * HOUR,
    query.now - 5 * 24 * HOUR,
  );
  const catalog = await store.catalog(query.now);
  const terms = await Promise.all(
    ["ai", "space", "energie", "none"].map((slug) => store.term("topic", slug, query.now)),
  );
  return {
    items: ids(selection.items),
    more: selection.more,
    previous: selection.previous,
    last: selection.last,
    total: query.count ? selection.total : undefined,
    nextChangeMs: selection.nextChangeMs,
    older: older?.id,
    newer: newer?.id,
    catalog,
    terms,
  };
}

describe("the bundled and the D1 store", () => {
  it("give the same items, more, previous, last, total, next change, neighbours, terms and catalog", async () => {
    await fc.assert(
      fc.asyncProperty(corpus, fc.array(ask, { minLength: 1, maxLength: 4 }), async (articles, asks) => {
        const bundled = new BundledStore({ version: "p", articles });
        await loadD1(articles, `property-${Math.random()}`);
        const d1 = new D1Store((await import("cloudflare:workers")).env.DB);
        for (const a of asks) {
          const now = NOW + a.clockHour * HOUR + a.clockOffset;
          const at = a.beforeIndex === undefined ? undefined : articles[a.beforeIndex];
          const before: Position | undefined = at && { publishedMs: at.publishedMs, id: at.id };
          const month = a.archiveMonthsBack === undefined ? undefined : new Date(now);
          const range = month && {
            from: Date.UTC(month.getUTCFullYear(), month.getUTCMonth() - (a.archiveMonthsBack ?? 0)),
            to: Date.UTC(month.getUTCFullYear(), month.getUTCMonth() - (a.archiveMonthsBack ?? 0) + 1),
          };
          const oneIndex =
            a.filters.type === undefined &&
            a.filters.minQuality === undefined &&
            a.filters.topics.length + (a.filters.provider ? 1 : 0) + (a.filters.category ? 1 : 0) <= 1;
          const query: SelectQuery = range
            ? { filters: a.filters, now, limit: Number.MAX_SAFE_INTEGER, range }
            : { filters: a.filters, now, limit: a.limit, before, paging: a.paging, count: oneIndex };
          expect(await answers(d1, query), JSON.stringify({ query, ids: ids(articles) })).toEqual(
            await answers(bundled, query),
          );
        }
      }),
      { numRuns: RUNS },
    );
  }, 300_000);
});
