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

/** Each term of an article with its kind and where the record wrote it (named only on a clash). */
function eachUse(article: Terms, visit: (kind: Kind, label: string, slug: string, field: () => string) => void): void {
  article.topics.forEach(({ label, slug }, i) => {
    visit("topic", label, slug, () => `topics[${i}]`);
  });
  if (article.category) visit("category", article.category.label, article.category.slug, () => "category");
  if (article.provider) visit("provider", article.provider.name, article.provider.slug, () => "provider.name");
}

/** The label of every term of records without clashes, by kind and slug (`topic:ai` → "AI"). */
export type TermLabels = Map<string, string>;

/**
 * Whether `records` joined to records whose terms had `labels` (and no clashes) leave none:
 * each of their terms has the label its kind and slug had, or is new. Those are added to
 * `labels`. A label may outlive its records there: then a record giving its slug another
 * label is not taken, and the caller checks every record again (termClashes).
 */
export function agreeWith(labels: TermLabels, records: readonly Terms[]): boolean {
  let agree = true;
  for (const terms of records) {
    eachUse(terms, (kind, label, slug) => {
      const key = `${kind}:${slug}`;
      const known = labels.get(key);
      if (known === undefined) labels.set(key, label);
      else if (known !== label) agree = false;
    });
  }
  return agree;
}

/** One problem for each label whose slug an earlier record (in file order) or field gave another label. */
export function termClashes(records: readonly { file: string; terms: Terms }[], labels?: TermLabels): Problem[] {
  // The first use of each slug, by kind: its label, and where (found again only on a clash).
  const first = new Map<string, { label: string; file: string; field: string | (() => string) }>();
  const problems: Problem[] = [];
  for (const { file, terms } of records) {
    eachUse(terms, (kind, label, slug, field) => {
      const key = `${kind}:${slug}`;
      const seen = first.get(key);
      if (!seen) {
        first.set(key, { label, file, field });
        labels?.set(key, label);
      } else if (seen.label !== label) {
        const seenField = typeof seen.field === "string" ? seen.field : seen.field();
        const where = seen.file === file ? `its ${seenField}` : `${seen.file} (${seenField})`;
        problems.push({
          file,
          field: field(),
          message: `${JSON.stringify(label)} has the slug ${slug}, like the ${kind} ${JSON.stringify(seen.label)} in ${where}: write one label the same way everywhere, or make the two differ in letters or digits`,
        });
      }
    });
  }
  return problems;
}
