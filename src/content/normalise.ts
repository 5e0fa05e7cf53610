// A validated record becomes the compiled, format-neutral article.
import { rfc3339 } from "../dates.js";
import type { Article, Image, Provider, RelatedArticle, Term } from "./article.js";
import type { Warn } from "./compile.js";
import { renderMarkdown } from "./markdown.js";
import { imageMimeType } from "./mime.js";
import type { ArticleRecord } from "./schema.js";
import { slugify } from "./slug.js";

/** RFC 3339 in UTC at second precision, the form every format prints. */
const toRfc3339 = (date: Date): string => rfc3339(date.getTime());

const term = (label: string): Term => ({ label: label.trim(), slug: slugify(label) });

function provider(source: NonNullable<ArticleRecord["provider"]>): Provider {
  const domain = source.domain?.trim() || undefined;
  const url = domain && URL.canParse(`https://${domain}/`) ? new URL(`https://${domain}/`).href : undefined;
  return { name: source.name.trim(), slug: slugify(source.name), domain, url };
}

function image(source: NonNullable<ArticleRecord["images"]>[number]): Image {
  return { url: source.url, width: source.width, height: source.height, mimeType: imageMimeType(source.url) };
}

function related(source: NonNullable<ArticleRecord["related"]>[number]): RelatedArticle {
  return {
    title: source.title.trim(),
    // The schema guarantees one of the two.
    url: (source.webUrl ?? source.originalUrl) as string,
    summary: source.excerpt?.trim() || undefined,
    published: source.publishedDateTime && toRfc3339(source.publishedDateTime),
    providerName: source.provider?.name.trim(),
  };
}

/** Topics in their written order, without repeats of the same slug. */
function topics(labels: readonly string[]): Term[] {
  const seen = new Set<string>();
  return labels.map(term).filter((topic) => topic.slug !== "" && !seen.has(topic.slug) && seen.add(topic.slug));
}

/** `warn` hears of what is shown differently from what the record says (nothing yet). */
export function normalise(id: string, record: ArticleRecord, body: string, _warn: Warn = () => {}): Article {
  const url = (record.webUrl ?? record.originalUrl) as string;
  const published = toRfc3339(record.publishedDateTime);
  // Undefined members vanish when the index is serialised.
  return {
    id,
    title: record.title.trim(),
    summary: record.excerpt?.trim() || undefined,
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
    provider: record.provider && provider(record.provider),
    images: (record.images ?? []).map(image),
    related: (record.related ?? []).map(related),
  };
}
