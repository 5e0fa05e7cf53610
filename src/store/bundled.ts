// The default store: the compiled index bundled into the Worker by `npm run build`,
// indexed once when the Worker starts.
import type { ContentIndex } from "../content/article.js";
import { ArticleIndex, type Filters, type SelectQuery, type TermKind } from "../feed/select.js";
import type { ArticleStore } from "./store.js";

export class BundledStore implements ArticleStore {
  private readonly index: ArticleIndex;

  constructor(private readonly content: ContentIndex) {
    this.index = new ArticleIndex(content.articles);
  }

  async version() {
    return this.content.version;
  }

  async select(query: SelectQuery) {
    return this.index.select(query);
  }

  async neighbours(filters: Filters, now: number, before: number, after: number) {
    return this.index.neighbours(filters, now, before, after);
  }

  async term(kind: TermKind, slug: string) {
    return this.index.term(kind, slug);
  }

  async summaries(now: number) {
    return this.index.summaries(now);
  }
}
