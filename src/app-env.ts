// The Hono environment every handler shares: the Worker's bindings and the parsed site config.
import type { SiteConfig } from "./config.js";

export interface AppEnv {
  Bindings: Env;
  Variables: { site: SiteConfig };
}
