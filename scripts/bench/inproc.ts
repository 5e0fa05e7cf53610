// bench.ts's in-process figures over every corpus size (miss, naive `feed` baseline, hit, 304, constant):
// `node --expose-gc --import tsx scripts/bench/inproc.ts <index.js>...` prints them as one JSON line.
import { pathToFileURL } from "node:url";
import { Feed } from "feed";
import { Hono } from "hono";
import { createApp } from "../../src/app.js";
import { siteConfig } from "../../src/config.js";
import type { Article, ContentIndex } from "../../src/content/article.js";
import { searchableText, textTokens } from "../../src/content/tokens.js";
import { FORMAT_NAMES, FORMATS } from "../../src/feed/formats.js";
import { firstAtOrBefore } from "../../src/feed/select.js";
import type { FormatName } from "../../src/feed/view.js";
import { formatCursor } from "../../src/http/query.js";
import { BundledStore } from "../../src/store/bundled.js";
import {
  BASELINE_LIMIT,
  FIXED_NOW,
  installCache,
  LIMITS,
  MapCache,
  missCache,
  type Summary,
  stubContext,
  summarize,
  type WorkerVars,
  workerEnv,
  workerVars,
} from "./runtime.js";

/**
 * Per cell and size: warm-up requests, then up to `samples` timed ones in rounds of `block`;
 * fewer (but at least `minSamples`) once the cell has used `budgetMs` over all sizes.
 */
const PLAN = { warmup: 30, samples: 300, minSamples: 30, block: 10, budgetMs: 8000 };
type Plan = typeof PLAN;

/**
 * The cache paths take a tenth of a millisecond and are compared with each other, so they
 * alternate request by request, and take more samples: their medians then move together
 * with whatever else this machine is doing.
 */
const CACHE_PLAN: Plan = { ...PLAN, samples: 1500, block: 1 };

/** A view and the plain miss it is compared with: request by request in turn. */
const VIEW_PLAN: Plan = { ...PLAN, block: 1 };

export interface Cell extends Summary {
  /** Response body size in bytes. */
  bytes: number;
}

export interface ViewCell {
  /** What the view is, e.g. "q= a word in ~10% of articles". */
  label: string;
  path: string;
  cell: Cell;
  /** The plain miss timed beside it. */
  plain: Cell;
}

export interface InprocResult {
  articles: number;
  visible: number;
  topTopic: string;
  render: { format: FormatName; limit: number; cell: Cell }[];
  /** limit=50, every request a page whose articles were not rendered before (no memo hits). */
  unseen: { format: FormatName; cell: Cell }[];
  filtered: { path: string; cell: Cell };
  /**
   * Keyword views and a top view, all misses, each timed in one loop with the plain miss
   * (`plain`, atom limit 50) request by request in turn, so their ratio is fair.
   */
  keywords: ViewCell[];
  top: ViewCell;
  naive: { format: FormatName; cell: Cell }[];
  cache: { hit: Cell; notModified: Cell; constant: Cell; passThrough: Cell };
}

interface FetchApp {
  fetch: (request: Request, env: Env, ctx: ExecutionContext) => Response | Promise<Response>;
}

interface Sent {
  ms: number;
  status: number;
  headers: Headers;
  bytes: number;
}

/** Calls app.fetch as the Worker runtime would; the timer covers fetch plus reading the body. */
function client(app: FetchApp, vars: WorkerVars) {
  const env = workerEnv(vars);
  const { ctx, flush } = stubContext();
  return async (url: string, init?: RequestInit): Promise<Sent> => {
    const request = new Request(url, init);
    const started = performance.now();
    const response = await app.fetch(request, env, ctx);
    const body = await response.arrayBuffer();
    const ms = performance.now() - started;
    // Cache writes run after the response, as waitUntil work does in a Worker.
    await flush();
    return { ms, status: response.status, headers: response.headers, bytes: body.byteLength };
  };
}

type Send = ReturnType<typeof client>;

function expecting(status: number, xCache?: string) {
  return (url: string, sent: Sent) => {
    const got = sent.headers.get("X-Cache") ?? undefined;
    if (sent.status !== status || (xCache !== undefined && got !== xCache)) {
      throw new Error(`${url}: expected ${status} ${xCache ?? ""}, got ${sent.status} ${got ?? ""}`);
    }
  };
}

const gc = (globalThis as { gc?: () => void }).gc;

type Check = (url: string, sent: Sent) => void;

/** What to request at one corpus size. */
interface Probe {
  send: Send;
  /** One URL, or the k-th request's (warm-up included), for cells that never repeat one. */
  url: string | ((k: number) => string);
  check: Check;
  init?: RequestInit;
  /** Fewer timed requests than the plan's, when only so many distinct ones exist. */
  samples?: number;
  warmup?: number;
}

/**
 * Times one cell at every size (or several cells, one probe each): warm-up, then rounds of
 * `block` requests per probe in turn, so drift on this shared 2-core machine falls on all
 * probes alike and ratios stay fair.
 */
async function measure(probes: Probe[], plan: Plan = PLAN): Promise<Cell[]> {
  // A clean heap per cell, so one cell's garbage is not collected during the next.
  gc?.();
  const bytes = probes.map(() => 0);
  const requested = probes.map(() => 0);
  const samples = probes.map((): number[] => []);
  const cap = (i: number) => probes[i]?.samples ?? plan.samples;
  const once = async (i: number) => {
    const { send, url, check, init } = probes[i] as Probe;
    const k = requested[i] ?? 0;
    requested[i] = k + 1;
    const target = typeof url === "string" ? url : url(k);
    const answer = await send(target, init);
    check(target, answer);
    bytes[i] = answer.bytes;
    return answer.ms;
  };
  for (const [i, probe] of probes.entries()) for (let k = 0; k < (probe.warmup ?? plan.warmup); k++) await once(i);
  const deadline = performance.now() + plan.budgetMs;
  const enough = (min: number) => samples.every((list, i) => list.length >= Math.min(min, cap(i)));
  while (!enough(plan.samples) && !(performance.now() > deadline && enough(plan.minSamples))) {
    for (let i = 0; i < probes.length; i++) {
      const list = samples[i] as number[];
      for (let k = 0; k < plan.block && list.length < cap(i); k++) list.push(await once(i));
    }
  }
  return probes.map((_, i) => ({ ...summarize(samples[i] as number[]), bytes: bytes[i] as number }));
}

/** The most used topic among visible articles: the biggest filtered view. */
function biggestTopic(articles: readonly Article[]): string {
  const counts = new Map<string, number>();
  for (const article of articles) {
    if (article.publishedMs > FIXED_NOW) continue;
    for (const topic of article.topics) counts.set(topic.slug, (counts.get(topic.slug) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "";
}

/**
 * Words a reader might search for: among the words of the newest 20,000 articles (title and
 * excerpt, what `q=` searches), the ones held by closest to `share` of them, closest first.
 */
function wordsNear(articles: readonly Article[], share: number): string[] {
  const sample = articles.slice(0, 20_000);
  const counts = new Map<string, number>();
  for (const article of sample)
    for (const token of textTokens(searchableText(article))) counts.set(token, (counts.get(token) ?? 0) + 1);
  const target = sample.length * share;
  return [...counts]
    .filter(([token]) => /^[a-z]+$/.test(token))
    .sort((a, b) => Math.abs(a[1] - target) - Math.abs(b[1] - target) || (a[0] < b[0] ? -1 : 1))
    .map(([token]) => token);
}

/** The keyword views of table 3b: a rare word, a common one, and two words less a third. */
function keywordViews(articles: readonly Article[]): { label: string; path: string }[] {
  const [rare = ""] = wordsNear(articles, 0.01);
  const [typical = ""] = wordsNear(articles, 0.1);
  const [first = "", second = ""] = wordsNear(articles, 0.25);
  const [excluded = ""] = wordsNear(articles, 0.1).filter((word) => word !== first && word !== second);
  const path = (query: string) => `/atom.xml?${query}&limit=${BASELINE_LIMIT}`;
  return [
    { label: "q= a word in ~1% of articles", path: path(`q=${rare}`) },
    { label: "q= a word in ~10% of articles", path: path(`q=${typical}`) },
    {
      label: "q= two words in ~25% each, exclude= one in ~10%",
      path: path(`q=${first}+${second}&exclude=${excluded}`),
    },
  ];
}

/** What a straightforward implementation does per request: filter, sort, page, `feed`. */
function naiveApp(index: ContentIndex, vars: WorkerVars) {
  const site = siteConfig(vars);
  const app = new Hono();
  for (const format of FORMAT_NAMES) {
    const { file, mediaType } = FORMATS[format];
    app.get(`/${file}`, (c) => {
      const limit = Number(c.req.query("limit") ?? 20);
      const page = index.articles
        .filter((article) => article.publishedMs <= FIXED_NOW)
        .sort((a, b) => b.publishedMs - a.publishedMs)
        .slice(0, limit);
      const feed = new Feed({
        id: `${site.origin}/`,
        title: site.title,
        description: site.description,
        link: `${site.origin}/`,
        language: site.language,
        updated: new Date(page[0]?.publishedMs ?? 0),
        feedLinks: Object.fromEntries(FORMAT_NAMES.map((f) => [f, `${site.origin}/${FORMATS[f].file}`])),
        copyright: "",
      });
      for (const article of page) {
        feed.addItem({
          title: article.title,
          id: site.tagPrefix + article.id,
          link: article.url,
          date: new Date(article.publishedMs),
          description: article.summary,
          content: article.contentHtml,
          category: [...(article.category ? [article.category] : []), ...article.topics].map((term) => ({
            name: term.label,
          })),
        });
      }
      const body = format === "rss" ? feed.rss2() : format === "atom" ? feed.atom1() : feed.json1();
      return c.body(body, 200, { "Content-Type": `${mediaType}; charset=utf-8` });
    });
  }
  return app;
}

/** A handler that does nothing but answer with a body of the given size. */
function constantApp(bytes: number, contentType: string) {
  const body = "x".repeat(bytes);
  const app = new Hono();
  app.get("/atom.xml", (c) => c.body(body, 200, { "Content-Type": contentType }));
  return app;
}

/**
 * The constant handler plus the one step every Cache API hit takes: answering with the
 * body of a stored Response (built the way the fake cache builds its matches).
 */
function passThroughApp(bytes: number, contentType: string) {
  const stored = new ArrayBuffer(bytes);
  new Uint8Array(stored).fill(0x78); // "x" × bytes, as the constant handler sends
  const app = new Hono();
  app.get("/atom.xml", () => {
    const match = new Response(stored, { headers: { "Content-Type": contentType } });
    return new Response(match.body, { headers: { "Content-Type": contentType } });
  });
  return app;
}

/** One corpus size in this process. */
interface Size {
  index: ContentIndex;
  topTopic: string;
  visible: number;
}

/** The app with the in-isolate tier off: a repeated URL must still be a miss for the miss cells. */
const ourApp = (index: ContentIndex, cacheBytes = 0) =>
  createApp({ store: new BundledStore(index), now: () => FIXED_NOW }, { cacheBytes });

/** The unseen-page cells start after the pages the other cells use (limit=100 covers two). */
const FIRST_UNSEEN_PAGE = 4;

/** The `before` position of page `page` (counted from 2) of the main feed, as its next links give it. */
function pageCursor(articles: readonly Article[], page: number, limit: number): string {
  const top = firstAtOrBefore(articles, FIXED_NOW);
  const last = articles[top + (page - 1) * limit - 1];
  if (!last) throw new Error(`page ${page} is past the end of a corpus of ${articles.length}`);
  return formatCursor(last);
}

/** JSON.parse, like the index module: copies get the same hidden classes, so no deopt later. */
const freshCopy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * Requests that never render an article twice: pages 4, 5, … once each, then the same pages
 * of fresh copies of the index (the memo is keyed by article object, so copies are new to it).
 * The copy is made in `url`, which runs before the timed send.
 */
function unseenProbe(size: Size, format: FormatName, vars: WorkerVars): Probe {
  const pages = Math.floor(size.visible / BASELINE_LIMIT) - FIRST_UNSEEN_PAGE + 1;
  let current = client(ourApp(size.index), vars);
  let copies = 0;
  return {
    send: (url, init) => current(url, init),
    url: (k) => {
      if (Math.floor(k / pages) > copies) {
        copies++;
        current = client(ourApp(freshCopy(size.index)), vars);
      }
      const page = FIRST_UNSEEN_PAGE + (k % pages);
      return `${String(vars.SITE_URL)}/${FORMATS[format].file}?limit=${BASELINE_LIMIT}&before=${pageCursor(size.index.articles, page, BASELINE_LIMIT)}`;
    },
    check: expecting(200, "MISS"),
    warmup: 0,
  };
}

/**
 * The renderers memoise each article's item per isolate (src/feed/memo.ts), so a repeated
 * URL times memoised items; these cells time items rendered for the first time.
 */
async function unseenFigures(sizes: Size[], vars: WorkerVars) {
  await warmUpOnCopies(sizes[0]?.index, vars);
  const unseen = sizes.map((): InprocResult["unseen"] => []);
  for (const format of FORMAT_NAMES) {
    const cells = await measure(sizes.map((size) => unseenProbe(size, format, vars)));
    cells.forEach((cell, i) => void unseen[i]?.push({ format, cell }));
  }
  return unseen;
}

/** Warms the JIT on fresh items (copies of the first articles) without touching the memo of the measured ones. */
async function warmUpOnCopies(index: ContentIndex | undefined, vars: WorkerVars) {
  if (!index) return;
  for (let copy = 0; copy < 4; copy++) {
    // The scheduled articles (hundreds at 100,000 records) and 500 visible ones after them.
    const articles = freshCopy(index.articles.slice(0, firstAtOrBefore(index.articles, FIXED_NOW) + 500));
    const send = client(ourApp({ version: `warm-up-${copy}`, articles }), vars);
    for (const format of FORMAT_NAMES) {
      const feed = `${String(vars.SITE_URL)}/${FORMATS[format].file}?limit=100`;
      await send(feed);
      for (let page = 2; page <= 5; page++) await send(`${feed}&before=${pageCursor(articles, page, 100)}`);
    }
  }
}

async function renderFigures(sizes: Size[], vars: WorkerVars) {
  installCache(missCache);
  const origin = String(vars.SITE_URL);
  // First, while no article has been rendered yet.
  const unseen = await unseenFigures(sizes, vars);
  const sends = sizes.map(({ index }) => client(ourApp(index), vars));
  const render = sizes.map((): InprocResult["render"] => []);
  for (const format of FORMAT_NAMES) {
    for (const limit of LIMITS) {
      const url = `${origin}/${FORMATS[format].file}?limit=${limit}`;
      const cells = await measure(sends.map((send) => ({ send, url, check: expecting(200, "MISS") })));
      cells.forEach((cell, i) => void render[i]?.push({ format, limit, cell }));
    }
  }
  const paths = sizes.map(({ topTopic }) => `/topics/${encodeURIComponent(topTopic)}/atom.xml?limit=${BASELINE_LIMIT}`);
  const filtered = await measure(
    sends.map((send, i) => ({ send, url: `${origin}${paths[i]}`, check: expecting(200, "MISS") })),
  );
  const plain = `/atom.xml?limit=${BASELINE_LIMIT}`;
  const top = { label: "top, window=30d", path: `/top/atom.xml?window=30d&limit=${BASELINE_LIMIT}` };
  // Per size, one loop: the plain miss, then each view, request by request in turn, so a
  // view and the plain miss it is compared with are timed under the same load.
  const keywords: InprocResult["keywords"][] = [];
  const tops: InprocResult["top"][] = [];
  for (const [i, send] of sends.entries()) {
    const views = [...keywordViews(sizes[i]?.index.articles ?? []), top];
    const probes = [plain, ...views.map((view) => view.path)].map(
      (path): Probe => ({ send, url: `${origin}${path}`, check: expecting(200, "MISS") }),
    );
    const [base, ...cells] = await measure(probes, VIEW_PLAN);
    const results = views.map((view, k) => ({ ...view, cell: cells[k] as Cell, plain: base as Cell }));
    tops.push(results.pop() as InprocResult["top"]);
    keywords.push(results);
  }
  return {
    render,
    unseen,
    filtered: filtered.map((cell, i) => ({ path: paths[i] as string, cell })),
    keywords,
    top: tops,
  };
}

async function naiveFigures(sizes: Size[], vars: WorkerVars) {
  const sends = sizes.map(({ index }) => client(naiveApp(index, vars), vars));
  const naive = sizes.map((): InprocResult["naive"] => []);
  for (const format of FORMAT_NAMES) {
    const url = `${String(vars.SITE_URL)}/${FORMATS[format].file}?limit=${BASELINE_LIMIT}`;
    const cells = await measure(sends.map((send) => ({ send, url, check: expecting(200) })));
    cells.forEach((cell, i) => void naive[i]?.push({ format, cell }));
  }
  return naive;
}

async function cacheFigures(sizes: Size[], vars: WorkerVars): Promise<InprocResult["cache"][]> {
  // Content versions differ per size, so the sizes' entries never share a key.
  installCache(new MapCache());
  const url = `${String(vars.SITE_URL)}/atom.xml?limit=${BASELINE_LIMIT}`;
  // Hits as the Worker answers them: from the in-isolate tier.
  const sends = sizes.map(({ index }) => client(ourApp(index, 16 * 2 ** 20), vars));
  const primed: Sent[] = [];
  for (const send of sends) {
    expecting(200, "MISS")(url, await send(url)); // renders and stores (the put is flushed)
    const sent = await send(url);
    expecting(200, "HIT")(url, sent);
    primed.push(sent);
  }
  const reference = (app: (bytes: number, contentType: string) => FetchApp, sent: Sent): Probe => ({
    send: client(app(sent.bytes, sent.headers.get("Content-Type") ?? ""), vars),
    url,
    check: expecting(200),
  });
  // Per size: hit, 304, constant, pass-through. One measure call takes them all, a request
  // of each in turn, so every request follows one of another kind and the ratios compare
  // requests made under the same heap, JIT state and machine load.
  const probes = sends.flatMap((send, i): Probe[] => {
    const sent = primed[i] as Sent;
    const ifNoneMatch = { headers: { "If-None-Match": sent.headers.get("ETag") ?? "" } };
    return [
      { send, url, check: expecting(200, "HIT") },
      { send, url, init: ifNoneMatch, check: expecting(304, "HIT") },
      reference(constantApp, sent),
      reference(passThroughApp, sent),
    ];
  });
  const cells = await measure(probes, CACHE_PLAN);
  const cell = (path: number, size: number) => cells[size * 4 + path] as Cell;
  return sizes.map((_, i) => ({
    hit: cell(0, i),
    notModified: cell(1, i),
    constant: cell(2, i),
    passThrough: cell(3, i),
  }));
}

async function main() {
  const files = process.argv.slice(2);
  if (files.length === 0) throw new Error("usage: inproc.ts <content-index.js>...");
  const sizes: Size[] = [];
  for (const file of files) {
    const { default: index } = (await import(pathToFileURL(file).href)) as { default: ContentIndex };
    const visible = index.articles.filter((article) => article.publishedMs <= FIXED_NOW).length;
    sizes.push({ index, topTopic: biggestTopic(index.articles), visible });
  }
  const vars = workerVars();
  const { render, unseen, filtered, keywords, top } = await renderFigures(sizes, vars);
  const naive = await naiveFigures(sizes, vars);
  const cache = await cacheFigures(sizes, vars);
  const results: InprocResult[] = sizes.map(({ index, topTopic, visible }, i) => ({
    articles: index.articles.length,
    visible,
    topTopic,
    render: render[i] ?? [],
    unseen: unseen[i] ?? [],
    filtered: filtered[i] as InprocResult["filtered"],
    keywords: keywords[i] ?? [],
    top: top[i] as InprocResult["top"],
    naive: naive[i] ?? [],
    cache: cache[i] as InprocResult["cache"],
  }));
  console.log(JSON.stringify(results));
}

await main();
