// The two stores over the same fixture articles, so feed tests run against both.
import { env } from "cloudflare:workers";
import { batches, diff, finish, start } from "../../scripts/push/plan.js";
import type { Statement } from "../../scripts/push/sql.js";
import type { Article } from "../../src/content/article.js";
import { compareArticles } from "../../src/content/order.js";
import { BundledStore } from "../../src/store/bundled.js";
import { D1Store } from "../../src/store/d1.js";
import type { ArticleStore } from "../../src/store/store.js";
import { appOver, NOW, nextVersion } from "./app.js";

export type StoreKind = "bundled" | "d1";
export const STORE_KINDS: StoreKind[] = ["bundled", "d1"];

export const runStatements = (statements: readonly Statement[]) =>
  env.DB.batch(statements.map(({ sql, params }) => env.DB.prepare(sql).bind(...params)));

/**
 * Replaces the test database's content with these articles (newest first), written by
 * the statements `npm run content:push` sends: the tests read back what a push writes.
 */
export async function loadD1(articles: readonly Article[], version: string): Promise<void> {
  loaded = version;
  await runStatements([
    { sql: "DELETE FROM article_tokens", params: [] },
    { sql: "DELETE FROM article_topics", params: [] },
    { sql: "DELETE FROM articles", params: [] },
  ]);
  await runStatements(start(Date.now()));
  for (const batch of batches(diff(articles, new Map()), { rows: 200, bytes: 1_000_000 }))
    await runStatements(batch.statements);
  await runStatements(finish(articles, version));
}

export async function makeStore(kind: StoreKind, articles: readonly Article[], version: string): Promise<ArticleStore> {
  const sorted = [...articles].sort(compareArticles);
  if (kind === "bundled") return new BundledStore({ version, articles: sorted });
  await loadD1(sorted, version);
  return new D1Store(env.DB);
}

/** The version of the articles the test database holds now. */
let loaded: string | undefined;

/**
 * `fixtureApp` over either store. A D1-backed app (re)loads its articles into the one
 * test database before each request whenever another fixture has replaced them since.
 */
export function storeApp(
  kind: StoreKind,
  articles: readonly Article[],
  start = NOW,
  vars: Record<string, string> = {},
) {
  const sorted = [...articles].sort(compareArticles);
  const version = nextVersion();
  if (kind === "bundled") return appOver(new BundledStore({ version, articles: sorted }), start, vars);
  const fetchFeed = appOver(new D1Store(env.DB), start, vars);
  const ensureLoaded = async (path: string, init?: RequestInit) => {
    if (loaded !== version) {
      await loadD1(sorted, version);
      loaded = version;
    }
    return fetchFeed(path, init);
  };
  return Object.assign(ensureLoaded, { clock: fetchFeed.clock, store: fetchFeed.store, env: fetchFeed.env });
}

export type FeedFetcher = ReturnType<typeof storeApp>;

/** What a wrapped D1 binding saw: round trips (a batch, or one statement run alone) and statements. */
export interface D1Traffic {
  roundTrips: number;
  statements: number;
  /** While set, every round trip fails as a D1 timeout would. */
  failing: boolean;
}

/**
 * The test database behind a binding that counts every round trip and statement, and
 * fails them all while `traffic.failing` is set, sessions included.
 */
export function wrappedD1(target: D1Database = env.DB) {
  const traffic: D1Traffic = { roundTrips: 0, statements: 0, failing: false };
  const fail = () => Promise.reject(new Error("D1_ERROR: timed out"));
  type Reader = Pick<D1Database, "prepare" | "batch">;
  const statement = (inner: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(inner, {
      get(object, name) {
        if (name === "first" || name === "all" || name === "run" || name === "raw") {
          return (...args: unknown[]) => {
            traffic.roundTrips++;
            traffic.statements++;
            return traffic.failing ? fail() : (object[name] as (...a: unknown[]) => unknown).apply(object, args);
          };
        }
        if (name === "bind") return (...args: unknown[]) => statement(object.bind(...args));
        return Reflect.get(object, name);
      },
    });
  const unwrap = new WeakMap<D1PreparedStatement, D1PreparedStatement>();
  const reader = <T extends Reader>(inner: T): T =>
    new Proxy(inner, {
      get(object, key) {
        if (key === "batch") {
          return (statements: D1PreparedStatement[]) => {
            traffic.roundTrips++;
            traffic.statements += statements.length;
            return traffic.failing ? fail() : object.batch(statements.map((s) => unwrap.get(s) ?? s));
          };
        }
        if (key === "prepare") {
          return (query: string) => {
            const prepared = object.prepare(query);
            const proxied = statement(prepared);
            const bound = (...args: unknown[]) => {
              const real = prepared.bind(...args);
              const wrapped = statement(real);
              unwrap.set(wrapped, real);
              return wrapped;
            };
            const outer = new Proxy(proxied, {
              get(o, name) {
                return name === "bind" ? bound : Reflect.get(o, name);
              },
            });
            unwrap.set(outer, prepared);
            return outer;
          };
        }
        if (key === "withSession") {
          return (...args: unknown[]) =>
            reader((object as unknown as D1Database).withSession(...(args as [D1SessionConstraint])));
        }
        const value = Reflect.get(object, key);
        return typeof value === "function" ? value.bind(object) : value;
      },
    });
  return { db: reader(target), traffic };
}
