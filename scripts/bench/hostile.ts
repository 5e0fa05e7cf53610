// The largest response of a hostile corpus (issue 12, item 8): thirty records of bodies as
// long as the schema allows, of the characters that grow most when escaped, compiled by the
// build's own normalise() and served in-process. Every page of every format is followed to
// its end; the largest page and item are reported against the documented budget and cap.
// `npm run bench:hostile` prints one JSON line.
import { normalise } from "../../src/content/normalise.js";
import { compareArticles } from "../../src/content/order.js";
import { ArticleRecord, LIMITS } from "../../src/content/schema.js";
import { ITEM_CAP_BYTES, PAGE_BUDGET_BYTES } from "../../src/feed/budget.js";
import { FIXED_NOW, installCache, missCache, stubContext, workerEnv, workerVars } from "./runtime.js";

/** Each escapes to the most bytes in some format: `&` (XML, HTML), `<` (JSON's \u003c), `"`. */
const CHARACTERS = ["&", "<", '"'] as const;
const RECORDS = 30;

const vars = workerVars();
const { ctx } = stubContext();
installCache(missCache);
const [{ createApp }, { BundledStore }] = await Promise.all([
  import("../../src/app.js"),
  import("../../src/store/bundled.js"),
]);

const articles = Array.from({ length: RECORDS }, (_, i) => {
  const record = ArticleRecord.parse({
    title: `Hostile ${i}`,
    webUrl: `https://hostile.example/${i}`,
    publishedDateTime: new Date(FIXED_NOW - (i + 1) * 60_000),
  });
  return normalise(`hostile-${i}`, record, (CHARACTERS[i % CHARACTERS.length] as string).repeat(LIMITS.body));
}).sort(compareArticles);

const app = createApp({ store: new BundledStore({ version: "hostile", articles }), now: () => FIXED_NOW });
const origin = String(vars.SITE_URL);

const results: Record<string, { pages: number; items: number; largestPageBytes: number; ms: number }> = {};
for (const file of ["rss.xml", "atom.xml", "feed.json"]) {
  let url: string | undefined = `${origin}/${file}?limit=100`;
  const started = performance.now();
  let pages = 0;
  let items = 0;
  let largest = 0;
  while (url) {
    const response = await app.fetch(new Request(url), workerEnv(vars), ctx);
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
    pages++;
    largest = Math.max(largest, new TextEncoder().encode(text).byteLength);
    if (file === "feed.json") {
      const feed = JSON.parse(text) as { items: unknown[]; next_url?: string };
      items += feed.items.length;
      url = feed.next_url;
    } else {
      items += (text.match(file === "rss.xml" ? /<item>/g : /<entry>/g) ?? []).length;
      url = /<(?:atom:)?link rel="next" type="[^"]+" href="([^"]+)"/.exec(text)?.[1]?.replaceAll("&amp;", "&");
    }
  }
  if (items !== RECORDS) throw new Error(`${file}: the pages held ${items} items, not ${RECORDS}`);
  results[file] = { pages, items, largestPageBytes: largest, ms: Math.round(performance.now() - started) };
}

const largestPageBytes = Math.max(...Object.values(results).map((r) => r.largestPageBytes));
console.log(
  JSON.stringify({
    corpus: `${RECORDS} records, bodies of ${LIMITS.body} × ${CHARACTERS.join(" ")}`,
    budgetBytes: PAGE_BUDGET_BYTES,
    itemCapBytes: ITEM_CAP_BYTES,
    largestPageBytes,
    withinBudget: largestPageBytes <= PAGE_BUDGET_BYTES,
    formats: results,
  }),
);
if (largestPageBytes > PAGE_BUDGET_BYTES) process.exitCode = 1;
