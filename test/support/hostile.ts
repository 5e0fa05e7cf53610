// The hostile corpus (test/fixtures/hostile/), compiled in Node when vitest starts and
// handed to workerd tests with `provide`/`inject`: the articles that build, and the
// canaries read off the record files themselves, which no served byte may contain.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import type { Article } from "../../src/content/article.js";
import { compileDirectory } from "../../src/content/compile.js";
import { slugify } from "../../src/content/slug.js";

/** The crawl's clock, 2026-06-01T12:00:00Z (NOW in test/support/app.ts): records dated after it are embargoed. */
export const HOSTILE_NOW = Date.UTC(2026, 5, 1, 12);

export interface HostileCorpus {
  now: number;
  /** What the build makes of the corpus, every record that fails it left out. */
  articles: Article[];
  /** Files that did not build (the crawl proves that what builds leaks nothing). */
  failed: string[];
  /** Every `secured` value, every draft's title, every scheduled title and embargoed label, every `CANARY-…` token. */
  canaries: string[];
}

declare module "vitest" {
  export interface ProvidedContext {
    hostile: HostileCorpus;
  }
}

/** `key: value` anywhere in the file, block or flow style, any case, quoted or not. */
function valuesOf(source: string, key: string): string[] {
  const pattern = new RegExp(`["']?\\b${key}["']?\\s*:[ \\t]*("([^"\\n]*)"|'([^'\\n]*)'|([^,}\\n]*))`, "gi");
  return [...source.matchAll(pattern)]
    .map((match) => (match[2] ?? match[3] ?? match[4] ?? "").trim())
    .filter((value) => value !== "" && value !== "|" && value !== ">");
}

/** A draft by any spelling a writer might use; the build must refuse or hide each. */
const DRAFT = /\b(published|publish)["']?\s*:\s*["']?(false|no|off)\b|\bdraft["']?\s*:\s*["']?(true|yes|on)\b/i;

/** The YAML between the first line and the first line that is exactly `---`, if it parses. */
function frontMatter(source: string): Record<string, unknown> | undefined {
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  const end = lines.findIndex((line, i) => i > 0 && /^---[ \t]*$/.test(line));
  try {
    const data = parseYaml(lines.slice(1, end).join("\n"), { logLevel: "error" });
    return data && typeof data === "object" ? (data as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Topics, category and provider labels a record names. */
function labelsOf(data: Record<string, unknown>): string[] {
  const labels: unknown[] = [data.category, ...(Array.isArray(data.topics) ? data.topics : [])];
  const provider = data.provider as { name?: unknown; domain?: unknown } | undefined;
  if (provider && typeof provider === "object") labels.push(provider.name, provider.domain);
  return labels.filter((label): label is string => typeof label === "string" && label.trim() !== "");
}

export async function hostileCorpus(dir: string, now = HOSTILE_NOW): Promise<HostileCorpus> {
  const { index, problems } = await compileDirectory(dir, dir);
  const failed = [...new Set(problems.map((problem) => path.basename(problem.file, ".md")))];
  const articles = index.articles.filter((article) => !failed.includes(article.id));

  const visibleSlugs = new Set(
    articles
      .filter((article) => article.publishedMs <= now)
      .flatMap((article) => [...article.topics, article.category, article.provider])
      .filter((term) => term !== undefined)
      .map((term) => term.slug),
  );
  const canaries = new Set<string>();
  for (const name of (await readdir(dir)).sort()) {
    const source = await readFile(path.join(dir, name), "utf8");
    for (const token of source.match(/CANARY-[A-Za-z0-9_-]+/g) ?? []) canaries.add(token);
    for (const value of valuesOf(source, "secured")) canaries.add(value);
    if (DRAFT.test(source)) for (const title of valuesOf(source, "title")) canaries.add(title);
    const data = frontMatter(source);
    const date =
      data &&
      Date.parse(
        String(data.publishedDateTime instanceof Date ? data.publishedDateTime.toISOString() : data.publishedDateTime),
      );
    if (data && date !== undefined && date > now) {
      // Its title and its labels: a scheduled article shows nothing before its time.
      if (typeof data.title === "string") canaries.add(data.title.trim());
      for (const label of labelsOf(data)) if (!visibleSlugs.has(slugify(label))) canaries.add(label.trim());
    }
  }
  return { now, articles, failed, canaries: [...canaries] };
}
