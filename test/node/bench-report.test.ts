// docs/performance.md is rewritten section by section by the benches: a run replaces its
// own section and nothing else, and a section it has never written is appended.
import { describe, expect, it } from "vitest";
import { markdownTable, replaceSection } from "../../scripts/bench/report.js";

const DOC = [
  "# Performance",
  "",
  "Prose about e2e.",
  "<!-- bench:e2e -->",
  "old e2e figures",
  "<!-- /bench:e2e -->",
  "",
  "Prose about d1.",
  "<!-- bench:d1 -->",
  "old d1 figures",
  "<!-- /bench:d1 -->",
  "",
].join("\n");

describe("replaceSection", () => {
  it("replaces one section's figures and keeps the prose and the other sections", () => {
    const next = replaceSection(DOC, "e2e", "new e2e figures\n");
    expect(next).toBe(DOC.replace("old e2e figures", "new e2e figures"));
    expect(next).toContain("old d1 figures");
  });

  it("gives the same document when run twice with the same figures", () => {
    const once = replaceSection(DOC, "d1", "| a |");
    expect(replaceSection(once, "d1", "| a |")).toBe(once);
  });

  it("appends a section the document does not have yet, with its markers", () => {
    const next = replaceSection(DOC, "stats", "counting figures");
    expect(next.startsWith(DOC.trimEnd())).toBe(true);
    expect(next.trimEnd().endsWith("<!-- bench:stats -->\ncounting figures\n<!-- /bench:stats -->")).toBe(true);
  });

  it("does not take a section name for a prefix of another", () => {
    const doc = "<!-- bench:e2e-stats -->\nx\n<!-- /bench:e2e-stats -->\n";
    const next = replaceSection(doc, "e2e", "y");
    expect(next).toContain("<!-- bench:e2e-stats -->\nx\n");
    expect(next).toContain("<!-- bench:e2e -->\ny\n<!-- /bench:e2e -->");
  });
});

describe("markdownTable", () => {
  it("writes a header, an alignment rule and one row per line, escaping pipes in cells", () => {
    expect(markdownTable(["view", "ratio"], [["a|b", "0.90×"]])).toBe(
      "| view | ratio |\n| --- | ---: |\n| a\\|b | 0.90× |",
    );
  });
});
