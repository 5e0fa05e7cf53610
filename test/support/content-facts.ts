// Facts about content/ that workerd tests cannot read from disk themselves, gathered
// in Node when vitest starts and handed over with `provide`/`inject`.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import matter from "gray-matter";

export interface ContentFacts {
  /** Ids of the records marked `published: false`. */
  draftIds: string[];
  /** Every `secured` value in content/, which must never leave the build. */
  securedValues: string[];
}

declare module "vitest" {
  export interface ProvidedContext extends ContentFacts {}
}

export async function contentFacts(dir: string): Promise<ContentFacts> {
  const facts: ContentFacts = { draftIds: [], securedValues: [] };
  for (const name of (await readdir(dir)).filter((file) => file.endsWith(".md"))) {
    // The committed content is trusted here: a plain YAML read is enough.
    const { data } = matter(await readFile(path.join(dir, name), "utf8"), {});
    if (data.published === false) facts.draftIds.push(path.basename(name, ".md"));
    if (typeof data.secured === "string") facts.securedValues.push(data.secured);
  }
  return facts;
}
