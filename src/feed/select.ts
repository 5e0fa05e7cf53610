// Selection over articles sorted newest first: visibility, filters, paging and months.
// Indexes by topic, provider and category are built once; a request costs a binary
// search plus its page, unless a predicate filter (type, minQuality) forces a scan.
// Keyword views walk positions lazily (src/feed/walk.ts): their cost is the page too.
import type { Article, Term } from "../content/article.js";
import { compareArticles } from "../content/order.js";
import type {
  Catalog,
  ChangedView,
  Filters,
  Neighbours,
  PageStart,
  Position,
  Selection,
  SelectQuery,
  TermKind,
  TermSummary,
} from "../store/store.js";
import { hasKeywords } from "../store/store.js";
import { KeywordIndex, type Postings } from "./search.js";
import { FilterWalk, intersection, ListWalk, type Walk, without } from "./walk.js";

/** The index of the first article published at or before `time` in a newest-first list. */
export function firstAtOrBefore(articles: readonly Article[], time: number): number {
  let low = 0;
  let high = articles.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((articles[mid] as Article).publishedMs > time) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The index of the first article after `position` in a list in feed order. */
function firstAfter(articles: readonly Article[], position: Position): number {
  let low = 0;
  let high = articles.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compareArticles(articles[mid] as Article, position) <= 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Quality first (none counts as 0), then the feeds' order: a top feed's order. */
export function compareByQuality(a: Article, b: Article): number {
  return (b.quality ?? 0) - (a.quality ?? 0) || compareArticles(a, b);
}

const positionOf = ({ publishedMs, id }: Position): Position => ({ publishedMs, id });

/**
 * The `limit` best of the articles offered, by compareByQuality (a total order, so the
 * same as sorting them all and keeping the first): a top view keeps its page, not its window.
 */
class Best {
  private readonly kept: Article[] = [];
  private offered = 0;

  constructor(private readonly limit: number) {}

  offer(article: Article) {
    this.offered++;
    const kept = this.kept;
    if (this.limit === 0) return;
    if (kept.length === this.limit && compareByQuality(article, kept[kept.length - 1] as Article) >= 0) return;
    let low = 0;
    let high = kept.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareByQuality(kept[mid] as Article, article) < 0) low = mid + 1;
      else high = mid;
    }
    kept.splice(low, 0, article);
    if (kept.length > this.limit) kept.pop();
  }

  selection(): Selection {
    return { items: this.kept, more: this.offered > this.limit };
  }
}

interface TermIndex extends Term {
  /** Newest first, like the feeds. */
  articles: Article[];
  /** The same articles' positions in the feed order of all articles, ascending. */
  positions: number[];
}

/**
 * Articles come newest first, so the last one added is the term's oldest: the first to
 * become visible names it. An embargoed article never relabels a public term.
 */
function addTo(index: Map<string, TermIndex>, term: Term, article: Article, position: number) {
  let entry = index.get(term.slug);
  if (!entry) {
    entry = { ...term, articles: [], positions: [] };
    index.set(term.slug, entry);
  }
  entry.label = term.label;
  entry.articles.push(article);
  entry.positions.push(position);
}

/** A term exists from the moment its oldest article is visible, never before. */
const visibleAt = (entry: TermIndex, now: number) => (entry.articles.at(-1) as Article).publishedMs <= now;

export class ArticleIndex {
  private readonly terms: Record<TermKind, Map<string, TermIndex>> = {
    topic: new Map(),
    provider: new Map(),
    category: new Map(),
  };

  private readonly keywords: KeywordIndex;

  /**
   * `articles` must be sorted with `compareArticles`, as the build emits them; `postings`
   * are the build's keyword index of them, computed here when absent.
   */
  constructor(
    readonly articles: readonly Article[],
    postings?: Postings,
  ) {
    this.keywords = new KeywordIndex(articles, postings);
    articles.forEach((article, position) => {
      for (const topic of article.topics) addTo(this.terms.topic, topic, article, position);
      if (article.provider)
        addTo(this.terms.provider, { label: article.provider.name, slug: article.provider.slug }, article, position);
      if (article.category) addTo(this.terms.category, article.category, article, position);
    });
  }

  /** The label of a topic, provider or category visible at `now`, or undefined. */
  term(kind: TermKind, slug: string, now: number): Term | undefined {
    const entry = this.terms[kind].get(slug);
    return entry && visibleAt(entry, now) ? { label: entry.label, slug: entry.slug } : undefined;
  }

  /** Every topic, provider and category with a visible article at `now`, with its count. */
  summaries(now: number): TermSummary[] {
    const out: TermSummary[] = [];
    for (const kind of ["topic", "provider", "category"] as const) {
      for (const entry of this.terms[kind].values()) {
        if (!visibleAt(entry, now)) continue;
        const start = firstAtOrBefore(entry.articles, now);
        out.push({
          kind,
          label: entry.label,
          slug: entry.slug,
          count: entry.articles.length - start,
          newest: entry.articles[start]?.published,
        });
      }
    }
    return out.sort((a, b) => a.label.localeCompare(b.label, "en"));
  }

  /** The home page's and OPML's content at `now`, with the `latest` newest visible articles. */
  catalog(now: number, latest = 0): Catalog {
    const top = firstAtOrBefore(this.articles, now);
    const catalog: Catalog = {
      terms: this.summaries(now),
      total: this.articles.length - top,
      newest: this.articles[top]?.published,
      nextChangeMs: this.articles[top - 1]?.publishedMs,
    };
    if (latest > 0) catalog.latest = this.articles.slice(top, top + latest);
    return catalog;
  }

  /**
   * The subscription feeds whose first page changed in (from, now] because articles became
   * visible, newest first; every visible feed when `from` is undefined.
   */
  changedViews(from: number | undefined, now: number): ChangedView[] {
    const top = firstAtOrBefore(this.articles, now);
    const views = new Map<string, ChangedView>();
    const add = (view: ChangedView) => {
      const key = `${view.kind}:${view.slug}`;
      if (!views.has(key)) views.set(key, view);
    };
    if (from === undefined) {
      const main = this.articles[top];
      if (main) add({ changedMs: main.publishedMs });
      for (const kind of ["topic", "provider", "category"] as const) {
        for (const entry of this.terms[kind].values()) {
          const newest = entry.articles[firstAtOrBefore(entry.articles, now)];
          if (newest) add({ kind, slug: entry.slug, changedMs: newest.publishedMs });
        }
      }
    } else {
      for (let i = top; i < firstAtOrBefore(this.articles, from); i++) {
        const { publishedMs: changedMs, topics, provider, category } = this.articles[i] as Article;
        add({ changedMs });
        for (const topic of topics) add({ kind: "topic", slug: topic.slug, changedMs });
        if (provider) add({ kind: "provider", slug: provider.slug, changedMs });
        if (category) add({ kind: "category", slug: category.slug, changedMs });
      }
    }
    return [...views.values()].sort((a, b) => b.changedMs - a.changedMs);
  }

  select(query: SelectQuery): Selection {
    if (hasKeywords(query.filters)) return this.selectWalking(query);
    const { filters, now, limit, before, range, paging, order } = query;
    const { list, matches } = this.plan(filters);
    if (!list) {
      // An unknown term: nothing matches, and the view's shape decides what is given, as with rows.
      const named =
        filters.topics.length + Number(filters.provider !== undefined) + Number(filters.category !== undefined);
      const oneIndex = filters.type === undefined && filters.minQuality === undefined && named <= 1;
      return {
        items: [],
        ...(oneIndex && order === undefined && { total: 0 }),
        more: false,
        ...(paging && oneIndex && { last: "first" as const }),
      };
    }
    const upper = range ? Math.min(now, range.to - 1) : now;
    const top = firstAtOrBefore(list, upper);
    const start = before ? Math.max(top, firstAfter(list, before)) : top;
    const end = range ? firstAtOrBefore(list, range.from - 1) : list.length;
    const nextChangeMs = !range || range.to > now ? this.nextChange(list, matches, now) : undefined;
    if (order === "quality") return { ...this.best(list, matches, start, end, limit), nextChangeMs };
    const selection: Selection = matches
      ? this.scan(list, matches, start, end, limit)
      : { items: list.slice(start, Math.min(start + limit, end)), total: end - top, more: start + limit < end };
    if (paging) {
      if (before) selection.previous = this.pageBefore(list, matches, top, start, limit);
      // The oldest page holds the last `limit` articles; it starts after the one before them.
      if (!matches) selection.last = end - top > limit ? positionOf(list[end - limit - 1] as Article) : "first";
    }
    return { ...selection, nextChangeMs };
  }

  /** Predicates: scan only as far as the page and one article past it. */
  private scan(
    list: readonly Article[],
    matches: (article: Article) => boolean,
    start: number,
    end: number,
    limit: number,
  ): Selection {
    const items: Article[] = [];
    for (let i = start; i < end; i++) {
      const article = list[i] as Article;
      if (!matches(article)) continue;
      if (items.length === limit) return { items, more: true };
      items.push(article);
    }
    return { items, more: false };
  }

  /** The `limit` best matching articles of list[start, end), by quality. */
  private best(
    list: readonly Article[],
    matches: ((article: Article) => boolean) | undefined,
    start: number,
    end: number,
    limit: number,
  ): Selection {
    const best = new Best(limit);
    for (let i = start; i < end; i++) {
      const article = list[i] as Article;
      if (!matches || matches(article)) best.offer(article);
    }
    return best.selection();
  }

  /**
   * Where the page before `start` starts: after the (limit+1)-th newer matching article,
   * or at the top when fewer are newer.
   */
  private pageBefore(
    list: readonly Article[],
    matches: ((article: Article) => boolean) | undefined,
    top: number,
    start: number,
    limit: number,
  ): PageStart | undefined {
    let newer = 0;
    for (let i = start - 1; i >= top; i--) {
      const article = list[i] as Article;
      if (matches && !matches(article)) continue;
      if (++newer > limit) return positionOf(article);
    }
    return newer > 0 ? "first" : undefined;
  }

  /**
   * The newest visible matching article published before `time`, and the oldest
   * matching one at or after `after` (up to `now`): the neighbours of an archive month.
   */
  neighbours(filters: Filters, now: number, before: number, after: number): Neighbours {
    if (hasKeywords(filters)) return this.neighboursWalking(filters, now, before, after);
    const { list, matches } = this.plan(filters);
    if (!list) return {};
    let older: Article | undefined;
    for (let i = firstAtOrBefore(list, before - 1); i < list.length && !older; i++) {
      if (!matches || matches(list[i] as Article)) older = list[i];
    }
    let newer: Article | undefined;
    const visibleStart = firstAtOrBefore(list, now);
    for (let i = firstAtOrBefore(list, after - 1) - 1; i >= visibleStart && !newer; i--) {
      if (!matches || matches(list[i] as Article)) newer = list[i];
    }
    return { older, newer };
  }

  /**
   * A keyword view's selection: the same answers as a scan of its articles would give, from
   * a walk over positions that starts where the page starts and stops after it (and the
   * page before it, with `paging`), so its cost does not grow with the number of matches.
   */
  private selectWalking({ filters, now, limit, before, range, paging, order }: SelectQuery): Selection {
    const walk = this.walk(filters);
    // An unknown term: nothing matches; a keyword view has no total or last page to give.
    if (!walk) return { items: [], more: false };
    const all = this.articles;
    const top = firstAtOrBefore(all, range ? Math.min(now, range.to - 1) : now);
    const start = before ? Math.max(top, firstAfter(all, before)) : top;
    const end = range ? firstAtOrBefore(all, range.from - 1) : all.length;
    const nextChangeMs =
      !range || range.to > now ? all[walk.atOrBefore(firstAtOrBefore(all, now) - 1)]?.publishedMs : undefined;
    const items: Article[] = [];
    if (order === "quality") {
      // A top view: every match of its window (bounded by the window, not the corpus), by quality.
      const best = new Best(limit);
      for (let p = walk.atOrAfter(start); p < end; p = walk.atOrAfter(p + 1)) best.offer(all[p] as Article);
      return { ...best.selection(), nextChangeMs };
    }
    let more = false;
    for (let p = walk.atOrAfter(start); p < end; p = walk.atOrAfter(p + 1)) {
      if (items.length === limit) {
        more = true;
        break;
      }
      items.push(all[p] as Article);
    }
    const selection: Selection = { items, more };
    if (paging && before) selection.previous = this.pageBeforeWalking(walk, top, start, limit);
    return { ...selection, nextChangeMs };
  }

  /** As pageBefore, over a walk: after the (limit+1)-th newer match, or the top when fewer are newer. */
  private pageBeforeWalking(walk: Walk, top: number, start: number, limit: number): PageStart | undefined {
    let newer = 0;
    for (let p = walk.atOrBefore(start - 1); p >= top; p = walk.atOrBefore(p - 1)) {
      if (++newer > limit) return positionOf(this.articles[p] as Article);
    }
    return newer > 0 ? "first" : undefined;
  }

  /** As neighbours, over a keyword view's walk. */
  private neighboursWalking(filters: Filters, now: number, before: number, after: number): Neighbours {
    const walk = this.walk(filters);
    if (!walk) return {};
    const all = this.articles;
    const older = all[walk.atOrAfter(firstAtOrBefore(all, before - 1))];
    const newest = walk.atOrBefore(firstAtOrBefore(all, after - 1) - 1);
    return { older, newer: newest >= firstAtOrBefore(all, now) ? all[newest] : undefined };
  }

  /**
   * A keyword view as a walk over positions: the intersection of its words' postings and
   * its terms' lists (the shortest drives), then its predicates, then its excluded words,
   * each a seek in that word's postings. Undefined when a term is unknown.
   */
  private walk(filters: Filters): Walk | undefined {
    const terms = [
      ...filters.topics.map((slug) => this.terms.topic.get(slug)),
      ...(filters.provider === undefined ? [] : [this.terms.provider.get(filters.provider)]),
      ...(filters.category === undefined ? [] : [this.terms.category.get(filters.category)]),
    ];
    if (terms.some((term) => term === undefined)) return undefined;
    const lists: (readonly number[])[] = (terms as TermIndex[]).map((term) => term.positions);
    if (filters.q) {
      const words = this.keywords.lists(filters.q);
      // A word no article holds: the view is empty (but its terms exist).
      if (!words) return new ListWalk([]);
      lists.push(...words);
    }
    let walk = intersection(lists, this.articles.length);
    const { type, minQuality } = filters;
    if (type !== undefined || minQuality !== undefined) {
      walk = new FilterWalk(walk, (position) => {
        const article = this.articles[position] as Article;
        return (
          (type === undefined || article.type === type) &&
          (minQuality === undefined || (article.quality ?? 0) >= minQuality)
        );
      });
    }
    const excluded: Walk[] = [];
    for (const word of filters.exclude ?? []) {
      const words = this.keywords.lists([word]);
      if (words) excluded.push(intersection(words, this.articles.length));
    }
    return without(walk, excluded);
  }

  /**
   * The smallest index list that contains the view, and the predicate the rest of
   * the filters leave to test (none when the list alone is the view).
   */
  private plan(filters: Filters): { list?: readonly Article[]; matches?: (article: Article) => boolean } {
    const lists: (readonly Article[] | undefined)[] = [
      ...filters.topics.map((slug) => this.terms.topic.get(slug)?.articles),
      filters.provider === undefined ? this.articles : this.terms.provider.get(filters.provider)?.articles,
      filters.category === undefined ? this.articles : this.terms.category.get(filters.category)?.articles,
    ];
    if (lists.some((list) => list === undefined)) return {};
    // A term's own list, even when it holds every article: the view is then that index
    // alone (with its total), not a scan of all articles with a predicate.
    const terms = (lists as (readonly Article[])[]).filter((list) => list !== this.articles);
    const list = terms.length === 0 ? this.articles : terms.reduce((a, b) => (b.length < a.length ? b : a));
    const tests: ((article: Article) => boolean)[] = [];
    for (const slug of filters.topics) {
      if (list !== this.terms.topic.get(slug)?.articles) {
        tests.push((article) => article.topics.some((topic) => topic.slug === slug));
      }
    }
    const { provider, category, type, minQuality } = filters;
    if (provider !== undefined && list !== this.terms.provider.get(provider)?.articles) {
      tests.push((article) => article.provider?.slug === provider);
    }
    if (category !== undefined && list !== this.terms.category.get(category)?.articles) {
      tests.push((article) => article.category?.slug === category);
    }
    if (type !== undefined) tests.push((article) => article.type === type);
    if (minQuality !== undefined) tests.push((article) => (article.quality ?? 0) >= minQuality);
    if (tests.length === 0) return { list };
    return { list, matches: (article) => tests.every((test) => test(article)) };
  }

  /** Scheduled articles sort first; the one just before the visible ones is next. */
  private nextChange(list: readonly Article[], matches: ((article: Article) => boolean) | undefined, now: number) {
    for (let i = firstAtOrBefore(list, now) - 1; i >= 0; i--) {
      const article = list[i] as Article;
      if (!matches || matches(article)) return article.publishedMs;
    }
    return undefined;
  }
}
