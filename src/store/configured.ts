// The store the configuration names: the bundled index (STORE = "bundled") or D1
// (STORE = "d1"). The build leaves the articles out of the bundle when STORE = "d1"
// (scripts/build.ts), so a bundle built for one store refuses to serve as the other
// rather than answer with empty feeds.
import { ConfigError, siteConfig } from "../config.js";
import type { ContentIndex } from "../content/article.js";
import { BundledStore } from "./bundled.js";
import { D1Store } from "./d1.js";
import type { ArticleStore } from "./store.js";

const bundledStores = new WeakMap<ContentIndex, BundledStore>();

/** The bundled index's store, indexed once per isolate. */
export function bundledStore(index: ContentIndex): BundledStore {
  let store = bundledStores.get(index);
  if (!store) {
    store = new BundledStore(index);
    bundledStores.set(index, store);
  }
  return store;
}

export function configuredStore(env: Env, index: ContentIndex): ArticleStore {
  if (siteConfig(env).store === "d1") {
    if (!env.DB) throw new ConfigError('STORE = "d1" needs the D1 binding DB in wrangler.toml');
    // The bundle's version is then the code's alone: cache keys change on a deploy too.
    return new D1Store(env.DB, { codeVersion: index.version });
  }
  if (index.store === "d1") {
    throw new ConfigError('STORE = "bundled", but this Worker was built for D1 without articles: build it again');
  }
  return bundledStore(index);
}
