// Cross-record check of the terms the build gathers: within one kind, one slug has one
// label, or two topics would share an address and a feed under whichever label came first.
import type { Article } from "./article.js";
import type { Problem } from "./problems.js";

/** What the check reads of an article: its terms (the build's cache keeps them per record). */
export interface Terms {
  topics: Article["topics"];
  category?: Article["category"];
  provider?: { name: string; slug: string };
}

type Kind = "topic" | "provider" | "category";

interface Use {
  kind: Kind;
  label: string;
  slug: string;
  field: string;
}

function usesOf(article: Terms): Use[] {
  const uses: Use[] = article.topics.map(({ label, slug }, i) => ({
    kind: "topic",
    label,
    slug,
    field: `topics[${i}]`,
  }));
  if (article.category) uses.push({ kind: "category", ...article.category, field: "category" });
  if (article.provider) {
    const { name, slug } = article.provider;
    uses.push({ kind: "provider", label: name, slug, field: "provider.name" });
  }
  return uses;
}

/** One problem for each label whose slug an earlier record (in file order) or field gave another label. */
export function termClashes(records: readonly { file: string; terms: Terms }[]): Problem[] {
  const first = new Map<string, { label: string; file: string; field: string }>();
  const problems: Problem[] = [];
  for (const { file, terms } of records) {
    for (const use of usesOf(terms)) {
      const key = `${use.kind}:${use.slug}`;
      const seen = first.get(key);
      if (!seen) first.set(key, { label: use.label, file, field: use.field });
      else if (seen.label !== use.label) {
        const where = seen.file === file ? `its ${seen.field}` : `${seen.file} (${seen.field})`;
        problems.push({
          file,
          field: use.field,
          message: `${JSON.stringify(use.label)} has the slug ${use.slug}, like the ${use.kind} ${JSON.stringify(seen.label)} in ${where}: write one label the same way everywhere, or make the two differ in letters or digits`,
        });
      }
    }
  }
  return problems;
}
