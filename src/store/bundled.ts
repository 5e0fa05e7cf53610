// The default store: the compiled index bundled into the Worker by `npm run build`.
import type { ContentIndex } from "../content/article.js";
import { selectPage } from "../feed/select.js";
import type { ArticleStore, Page, PageQuery } from "./store.js";

export class BundledStore implements ArticleStore {
  constructor(private readonly index: ContentIndex) {}

  async version(): Promise<string> {
    return this.index.version;
  }

  async page(query: PageQuery): Promise<Page> {
    return selectPage(this.index.articles, query);
  }
}
