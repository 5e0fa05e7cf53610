// The embed script's weight as a host page downloads it: minified by the build's own
// step, then gzip and Brotli at the levels a CDN uses. The budget is 5 KB gzipped.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { buildEmbedScript } from "../embed-script.js";

export interface EmbedSize {
  version: string;
  minifiedBytes: number;
  gzipBytes: number;
  brotliBytes: number;
  budgetBytes: number;
}

export async function measureEmbed(root: string, work: string): Promise<EmbedSize> {
  const out = path.join(work, "embed-script.js");
  const version = await buildEmbedScript(path.join(root, "src/embed/feed-list.js"), out);
  const module = await readFile(out, "utf8");
  const { source } = JSON.parse(module.slice(module.indexOf("{"), module.lastIndexOf(";"))) as { source: string };
  const bytes = Buffer.from(source);
  return {
    version,
    minifiedBytes: bytes.length,
    gzipBytes: gzipSync(bytes, { level: 9 }).length,
    brotliBytes: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    budgetBytes: 5 * 1024,
  };
}
