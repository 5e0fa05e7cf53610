// `tsx scripts/serve-at.ts <ISO instant> <port>`: the Worker's app over the built index
// (.generated/content-index.js) at a fixed clock, over HTTP in Node, for the readers'
// harness. Top feeds' windows move with the clock, and the project's records are years
// old, so under `wrangler dev` (the real clock) every top feed is empty; the checkers
// judge bytes, and these are the bytes the Worker renders at that instant.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import path from "node:path";
import index from "../.generated/content-index.js";
import { createApp } from "../src/app.js";
import { BundledStore } from "../src/store/bundled.js";
import { readWranglerConfig } from "./wrangler-config.js";

const USAGE = "usage: tsx scripts/serve-at.ts <ISO instant, e.g. 2023-12-10T00:00:00Z> <port>";

function parseArgs(argv: string[]): { now: number; port: number } {
  const [instant = "", portText = ""] = argv;
  const now = Date.parse(instant);
  const port = Number(portText);
  if (Number.isNaN(now) || !Number.isInteger(port) || port < 1 || port > 65535) {
    console.error(USAGE);
    process.exit(2);
  }
  return { now, port };
}

/** Node has no Cache API: every request renders, as a miss does. */
function installMissingCache() {
  const cache = { match: async () => undefined, put: async () => {} };
  Object.defineProperty(globalThis, "caches", { value: { default: cache }, configurable: true });
}

function toRequest(message: IncomingMessage, origin: string): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(message.headers)) {
    if (typeof value === "string") headers.set(name, value);
  }
  return new Request(new URL(message.url ?? "/", origin), { method: message.method, headers });
}

async function send(response: Response, out: ServerResponse) {
  out.writeHead(response.status, Object.fromEntries(response.headers));
  out.end(Buffer.from(await response.arrayBuffer()));
}

const { now, port } = parseArgs(process.argv.slice(2));
if (index.store === "d1") throw new Error("serve-at: the build holds no articles (STORE = d1)");
const origin = `http://127.0.0.1:${port}`;
const { vars } = readWranglerConfig(path.join(import.meta.dirname, "..", "wrangler.toml"));
const env = { ...vars, SITE_URL: origin } as unknown as Env;
const ctx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext;
installMissingCache();
const app = createApp({ store: new BundledStore(index), now: () => now });

createServer(async (message, out) => {
  try {
    // A Response, or a promise of one: a hit of the in-isolate tier answers at once.
    await send(await app.fetch(toRequest(message, origin), env, ctx), out);
  } catch (error) {
    console.error(error);
    out.writeHead(500).end();
  }
}).listen(port, "127.0.0.1", () => console.log(`serving ${origin} at ${new Date(now).toISOString()}`));
