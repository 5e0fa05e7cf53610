// The hostile corpus (test/fixtures/hostile/) through the build: each record of slugs,
// titles and raw HTML with the exact line the build prints for it, or what it compiles to.
import { beforeAll, describe, expect, it } from "vitest";
import type { Article } from "../../src/content/article.js";
import { type CompileResult, compileDirectory, formatProblem } from "../../src/content/compile.js";

const DIR = "test/fixtures/hostile";
const MINE = /\/(html|slug|title)-[^/]+\.md$/;

let result: CompileResult;
let articles: Map<string, Article>;
beforeAll(async () => {
  result = await compileDirectory(DIR, DIR);
  articles = new Map(result.index.articles.map((article) => [article.id, article]));
});

const CLASH = "write one label the same way everywhere, or make the two differ in letters or digits";

describe("the hostile corpus: slugs, titles, raw HTML", () => {
  it("prints exactly these errors", () => {
    expect(result.problems.filter((problem) => MINE.test(problem.file)).map(formatProblem)).toEqual([
      `${DIR}/slug-clash-b.md: topics[0]: "Machine-Learning" has the slug machine-learning, like the topic "Machine Learning" in ${DIR}/slug-clash-a.md (topics[0]): ${CLASH}`,
      `${DIR}/slug-clash-b.md: topics[2]: "health" has the slug health, like the topic "Health" in its topics[1]: ${CLASH}`,
      `${DIR}/slug-empty.md:6: topics[0]: has no letter or digit to make its address (slug) from`,
      `${DIR}/slug-empty.md:7: topics[1]: has no letter or digit to make its address (slug) from`,
      `${DIR}/slug-empty.md:8: category: has no letter or digit to make its address (slug) from`,
      `${DIR}/title-too-long.md:2: title: must be at most 2000 characters`,
    ]);
  });

  it("prints exactly these warnings, and builds those records", () => {
    expect(result.warnings.filter((warning) => MINE.test(warning.file)).map(formatProblem)).toEqual([
      `${DIR}/title-long.md: title: is 639 characters; feeds show the first 295 and "…" (over 300)`,
      `${DIR}/title-nameless-provider.md: provider.name: is missing: shown by its domain, nature.com`,
    ]);
    expect(articles.has("title-long")).toBe(true);
    expect(articles.has("title-nameless-provider")).toBe(true);
  });

  it("shortens a 639-character title at a word, and keeps it whole as the summary", () => {
    const article = articles.get("title-long") as Article;
    expect(article.title).toBe(
      "Researchers at twelve universities report that a ten-year study of hospital admissions across Europe, North America and East Asia found that machine-learning triage tools, when introduced alongside retraining for nurses and a revised escalation protocol, cut the median wait for critical care by…",
    );
    expect(article.title.length).toBeLessThanOrEqual(300);
    expect(article.summary?.length).toBe(639);
    expect(article.summary?.startsWith(article.title.slice(0, -1))).toBe(true);
  });

  it("shows a nameless provider by its domain, in the article and in its related articles", () => {
    const article = articles.get("title-nameless-provider") as Article;
    expect(article.provider).toEqual({
      name: "nature.com",
      slug: "nature-com",
      domain: "nature.com",
      url: "https://nature.com/",
    });
    expect(article.related[0]?.providerName).toBe("science.example.com");
  });

  it("keeps the allowed HTML of a body and removes the rest, with nothing shown as text", () => {
    expect(articles.get("html-figure")?.contentHtml).toBe(
      [
        "<p>Sea level rose 10<sup>2</sup> mm, CO<sub>2</sub> kept climbing.</p>",
        '<figure><img src="https://img.example.org/chart.png" alt="A rising line" width="640" height="360" /><figcaption>The <em>trend</em> since 1993.</figcaption></figure>',
        "",
        "",
        "<p>click me and a chart and a spaced link.</p>",
        "<p>styled paragraph</p>",
      ].join("\n"),
    );
    expect(articles.get("html-old")?.contentHtml).toBe(
      "<p>Footnote<sup>1</sup> and a table:</p>\n<table><tr><th>a</th><td>1</td></tr></table>",
    );
  });

  it("compiles no draft, and no secured value anywhere", () => {
    expect(articles.has("html-draft")).toBe(false);
    expect(JSON.stringify(result.index)).not.toContain("CANARY-SECURED");
  });
});
