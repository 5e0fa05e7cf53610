// Where articles live at runtime. Handlers and renderers see only this interface.
import type { Article, Term } from "../content/article.js";
import type { Filters, Selection, SelectQuery, TermKind, TermSummary } from "../feed/select.js";

export interface ArticleStore {
  /** Identifies the content; changes whenever any response could change. */
  version(): Promise<string>;
  /** A page of the visible articles matching a view. */
  select(query: SelectQuery): Promise<Selection>;
  /** The nearest matching visible articles before `before` and from `after` on. */
  neighbours(
    filters: Filters,
    now: number,
    before: number,
    after: number,
  ): Promise<{ older?: Article; newer?: Article }>;
  /** A topic, provider or category by slug. */
  term(kind: TermKind, slug: string): Promise<Term | undefined>;
  /** Every topic, provider and category with its visible count at `now`. */
  summaries(now: number): Promise<TermSummary[]>;
}
