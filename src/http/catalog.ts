// What feeds the site has at a moment: shared by the home page and the OPML list.
import type { TermSummary } from "../feed/select.js";
import type { ArticleStore } from "../store/store.js";

export interface Catalog {
  /** Every topic, provider and category with its visible count and newest article. */
  terms: TermSummary[];
  /** Visible articles in the main feed. */
  total: number;
  /** The newest visible article's time. */
  newest?: string;
  /** When the next scheduled article becomes visible: every count and date may change then. */
  nextChangeMs?: number;
}

export async function catalog(store: ArticleStore, now: number): Promise<Catalog> {
  const [terms, all] = await Promise.all([
    store.summaries(now),
    store.select({ filters: { topics: [] }, now, limit: 1, count: true }),
  ]);
  return { terms, total: all.total ?? 0, newest: all.items[0]?.published, nextChangeMs: all.nextChangeMs };
}
