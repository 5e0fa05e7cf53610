// A keyword page in D1 reads rows in proportion to the page, not to the matches: what D1
// itself reports reading (meta.rows_read) for a keyword view stays near a plain view's,
// whether the word is in every article or in few. The expected items come from the
// fixture titles below, not from the store.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { Article } from "../src/content/article.js";
import { selectPlan } from "../src/store/d1-sql.js";
import type { Filters } from "../src/store/store.js";
import { article, NOW } from "./support/app.js";
import { loadD1 } from "./support/stores.js";

const COUNT = 3000;
const MINUTE = 60_000;
const LIMIT = 10;
const AI = { label: "AI", slug: "ai" };
const SPACE = { label: "Space", slug: "space" };

/** Every article says "common"; one in 100 also says "rare"; odd ones are in the AI topic. */
function records(): Article[] {
  return Array.from({ length: COUNT }, (_, i) => {
    const ms = NOW - (i + 1) * MINUTE;
    return article({
      id: `r${String(i).padStart(5, "0")}`,
      publishedMs: ms,
      published: new Date(ms).toISOString().replace(".000Z", "Z"),
      title: `Common story number ${i}${i % 100 === 0 ? " rare" : ""}`,
      topics: i % 2 === 1 ? [AI] : [SPACE],
    });
  });
}

/** The ids a view's first page should list, read off the records: newest first. */
function expected(keep: (i: number) => boolean): string[] {
  const ids: string[] = [];
  for (let i = 0; i < COUNT && ids.length < LIMIT; i++) if (keep(i)) ids.push(`r${String(i).padStart(5, "0")}`);
  return ids;
}

async function run(filters: Partial<Filters>) {
  const plan = selectPlan({ filters: { topics: [], ...filters }, now: NOW, limit: LIMIT, paging: true, count: true });
  const results = await env.DB.batch(plan.statements.map(({ sql, params }) => env.DB.prepare(sql).bind(...params)));
  const rowsRead = results.reduce((sum, result) => sum + result.meta.rows_read, 0);
  return { ids: plan.read(results).items.map((item) => item.id), rowsRead };
}

describe("keyword pages in D1 read rows by the page", () => {
  let plain: { ids: string[]; rowsRead: number };
  beforeAll(async () => {
    await loadD1(records(), "keyword-rows");
    plain = await run({});
  });

  it.each([
    ["a word in every article", { q: ["common"] }, () => true],
    ["a word in one article of 100", { q: ["rare"] }, (i: number) => i % 100 === 0],
    ["two words", { q: ["story", "common"] }, () => true],
    ["a word and an excluded word", { q: ["common"], exclude: ["rare"] }, (i: number) => i % 100 !== 0],
    ["a word in a topic", { q: ["common"], topics: ["ai"] }, (i: number) => i % 2 === 1],
    ["a rare word in a topic", { q: ["rare"], topics: ["space"] }, (i: number) => i % 100 === 0],
  ] as const)("%s", async (_, filters, keep) => {
    const view = await run({
      ...filters,
      q: [...filters.q],
      exclude: "exclude" in filters ? [...filters.exclude] : undefined,
      topics: "topics" in filters ? [...filters.topics] : [],
    });
    expect(view.ids).toEqual(expected(keep));
    // The matches number up to 3,000; a page and its neighbours' positions read tens of rows.
    expect(view.rowsRead).toBeLessThanOrEqual(4 * plain.rowsRead + 100);
    expect(view.rowsRead).toBeLessThan(COUNT / 5);
  });

  it("plain pages read few rows too (the yardstick above)", () => {
    expect(plain.ids).toEqual(expected(() => true));
    expect(plain.rowsRead).toBeLessThan(100);
  });
});
