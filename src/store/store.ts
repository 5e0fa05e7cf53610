// Where articles live at runtime. Handlers and renderers see only this interface.
import type { Article } from "../content/article.js";

export interface PageQuery {
  /** The clock, in epoch milliseconds: articles dated after it are scheduled, not visible. */
  now: number;
  limit: number;
}

export interface Page {
  items: Article[];
  /** When the next scheduled article becomes visible, if any: cached pages must not outlive it. */
  nextChangeMs?: number;
}

export interface ArticleStore {
  /** Identifies the content; changes whenever any response could change. */
  version(): Promise<string>;
  page(query: PageQuery): Promise<Page>;
}
