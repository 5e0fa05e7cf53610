// The smallest Hugo site that builds the same records as our build, for the build bench's
// comparison: the corpus folder is its content (our YAML front matter is front matter Hugo
// reads; the fields it does not know become page parameters), and the one output is the
// home page's RSS feed of every page, rendered with Hugo's embedded RSS template, which
// renders each page's Markdown for its summary. No theme, no HTML pages, no taxonomies.
// `npx tsx scripts/bench/hugo-site.ts CORPUS SITE` writes one; `hugo --source SITE` builds it.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Writes the site into `site` (its config only: the records stay where they are). */
export async function writeHugoSite(corpus: string, site: string): Promise<void> {
  await mkdir(site, { recursive: true });
  const config = [
    'baseURL = "https://bench.example/"',
    'title = "Build bench"',
    `contentDir = ${JSON.stringify(path.resolve(corpus))}`,
    'publishDir = "public"',
    // Every page in the feed, as our index holds every article.
    "rssLimit = -1",
    'disableKinds = ["taxonomy", "term", "section", "sitemap", "robotsTXT", "404"]',
    "[outputs]",
    'home = ["RSS"]',
    "page = []",
    "",
  ].join("\n");
  await writeFile(path.join(site, "config.toml"), config);
}

/** The command that builds the site, as the bench times it. */
export const hugoCommand = (site: string): [string, string[]] => [
  "hugo",
  ["--source", site, "--quiet", "--cleanDestinationDir"],
];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [corpus, site] = process.argv.slice(2);
  if (!corpus || !site) {
    console.error("usage: npx tsx scripts/bench/hugo-site.ts CORPUS SITE");
    process.exit(2);
  }
  await writeHugoSite(corpus, site);
  const [command, args] = hugoCommand(site);
  console.log(`${command} ${args.join(" ")}`);
}
