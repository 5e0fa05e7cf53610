// The default store: the compiled index bundled into the Worker by `npm run build`,
// indexed once when the Worker starts.
import type { ContentIndex } from "../content/article.js";
import { ArticleIndex } from "../feed/select.js";
import type { ArticleStore, ChangeMarker, FeedRequest, Filters, SelectQuery, TermKind } from "./store.js";

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

  async feed({ terms, select, neighbours }: FeedRequest) {
    return {
      terms: terms.map(({ kind, slug }) => this.index.term(kind, slug, select.now)),
      selection: this.index.select(select),
      neighbours: neighbours
        ? this.index.neighbours(select.filters, select.now, neighbours.before, neighbours.after)
        : {},
    };
  }

  async neighbours(filters: Filters, now: number, before: number, after: number) {
    return this.index.neighbours(filters, now, before, after);
  }

  async term(kind: TermKind, slug: string, now: number) {
    return this.index.term(kind, slug, now);
  }

  async catalog(now: number, latest = 0) {
    return this.index.catalog(now, latest);
  }

  /** A new bundle is a deploy: every feed may have changed; otherwise only the clock changes them. */
  async changes(since: ChangeMarker | undefined, now: number) {
    const content = this.content.version;
    const from = since?.content === content ? since.ms : undefined;
    return { views: this.index.changedViews(from, now), marker: { ms: now, content } };
  }
}
