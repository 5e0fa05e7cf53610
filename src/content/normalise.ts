// A validated record becomes the compiled, format-neutral article.
import { rfc3339 } from "../dates.js";
import type { Article, Image, Provider, RelatedArticle, Term } from "./article.js";
import { shorten, TITLE_DISPLAY_MAX } from "./display.js";
import { excerptOf } from "./excerpt.js";
import { markdownText, renderMarkdown } from "./markdown.js";
import { knownImageType } from "./mime.js";
import type { Warn } from "./problems.js";
import { type ArticleRecord, labelSlug } from "./schema.js";

/** RFC 3339 in UTC at second precision, the form every format prints. */
const toRfc3339 = (date: Date): string => rfc3339(date.getTime());

const term = (label: string): Term => ({ label: label.trim(), slug: labelSlug(label) });

type RecordProvider = NonNullable<ArticleRecord["provider"]>;

/** A provider's name; the schema lets one without a name through only with a domain that makes a slug. */
const providerName = (source: RecordProvider) => (source.name ?? (source.domain as string)).trim();

function provider(source: RecordProvider, warn: Warn): Provider {
  const domain = source.domain?.trim() || undefined;
  const url = domain && URL.canParse(`https://${domain}/`) ? new URL(`https://${domain}/`).href : undefined;
  const name = providerName(source);
  if (source.name === undefined) warn({ field: "provider.name", message: `is missing: shown by its domain, ${name}` });
  return { name, slug: labelSlug(name), domain, url };
}

/** The title feeds show: a long one is cut at a word with `…` (the record keeps it whole). */
function displayTitle(title: string, field: string, warn: Warn): string {
  const shown = shorten(title.trim(), TITLE_DISPLAY_MAX);
  if (shown !== title.trim()) {
    warn({
      field,
      message: `is ${title.trim().length} characters; feeds show the first ${shown.length - 1} and "…" (over ${TITLE_DISPLAY_MAX})`,
    });
  }
  return shown;
}

function image(source: NonNullable<ArticleRecord["images"]>[number]): Image {
  return {
    url: source.url,
    width: source.width,
    height: source.height,
    mimeType: knownImageType(source.url, source.type),
  };
}

function related(source: NonNullable<ArticleRecord["related"]>[number], i: number, warn: Warn): RelatedArticle {
  return {
    title: displayTitle(source.title, `related[${i}].title`, warn),
    // The schema guarantees one of the two.
    url: (source.webUrl ?? source.originalUrl) as string,
    summary: source.excerpt?.trim() || undefined,
    published: source.publishedDateTime && toRfc3339(source.publishedDateTime),
    providerName: source.provider && providerName(source.provider),
  };
}

/**
 * Topics in their written order, without repeats. Two labels with one slug are both kept,
 * for the build to name the clash (src/content/terms.ts).
 */
function topics(labels: readonly string[]): Term[] {
  const seen = new Set<string>();
  return labels.map(term).filter((topic) => {
    const key = `${topic.slug}\n${topic.label}`;
    return !seen.has(key) && seen.add(key);
  });
}

/** `warn` hears of what is shown differently from what the record says: a long title, a nameless provider. */
export function normalise(id: string, record: ArticleRecord, body: string, warn: Warn = () => {}): Article {
  const url = (record.webUrl ?? record.originalUrl) as string;
  const published = toRfc3339(record.publishedDateTime);
  const title = displayTitle(record.title, "title", warn);
  // Undefined members vanish when the index is serialised.
  return {
    id,
    title,
    // The record's excerpt, else one derived from the body (excerpt.ts); a shortened title
    // without either keeps the whole headline readable there.
    summary:
      record.excerpt?.trim() ||
      excerptOf(markdownText(body)) ||
      (title !== record.title.trim() ? record.title.trim() : undefined),
    contentHtml: renderMarkdown(body),
    url,
    externalUrl: record.originalUrl !== url ? record.originalUrl : undefined,
    published,
    publishedMs: Date.parse(published),
    type: record.type?.trim() || undefined,
    quality: record.quality,
    heat: record.heat,
    category: record.category ? term(record.category) : undefined,
    topics: topics(record.topics ?? []),
    provider: record.provider && provider(record.provider, warn),
    images: (record.images ?? []).map(image),
    related: (record.related ?? []).map((source, i) => related(source, i, warn)),
  };
}
