// The article record's front matter: the only description of a record. The build
// parses every file through `ArticleRecord`; the compiled model's types come from here.
import { z } from "zod";
import { SLUG_MAX, slugify } from "./slug.js";

/** Characters XML 1.0 forbids (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF). */
const XML_ILLEGAL =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding these characters is the point.
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Removes what no XML document may carry, so every format can print any field. */
export function cleanText(value: string): string {
  return value.replace(XML_ILLEGAL, "");
}

/**
 * Length caps that stop the build: sizes that would threaten the service, not a writer's
 * slip (a long title builds, shortened in feeds: src/content/display.ts). Documented in the README.
 */
export const LIMITS = {
  title: 2_000,
  excerpt: 5_000,
  body: 200_000,
  url: 2_048,
  label: 200,
  listItems: 50,
} as const;

const text = (max: number) => z.string().max(max, `must be at most ${max} characters`).transform(cleanText);

const requiredText = (max: number) => text(max).refine((value) => value.trim().length > 0, "must not be empty");

/** Labels a build remembers the slug of; past this many it forgets them all and starts again. */
const REMEMBERED_LABELS = 50_000;
const labelSlugs = new Map<string, string>();

/**
 * slugify for the labels of records: a corpus repeats its topics, categories and providers
 * thousands of times, and each is checked and then compiled, so each label is slugified
 * once. Only the build calls it (the Worker's slugify of request input is not remembered).
 */
export function labelSlug(label: string): string {
  let slug = labelSlugs.get(label);
  if (slug === undefined) {
    if (labelSlugs.size >= REMEMBERED_LABELS) labelSlugs.clear();
    slug = slugify(label);
    labelSlugs.set(label, slug);
  }
  return slug;
}

/** A topic, category or provider name: it must give a slug, its address (src/content/slug.ts). */
const isLabel = (value: string) => labelSlug(value) !== "" && labelSlug(value).length <= SLUG_MAX;

const label = requiredText(LIMITS.label)
  .refine(
    (value) => value.trim() === "" || labelSlug(value) !== "",
    "has no letter or digit to make its address (slug) from",
  )
  .refine((value) => labelSlug(value).length <= SLUG_MAX, `makes a slug longer than ${SLUG_MAX} characters`);

/** An absolute http(s) URL; anything else (javascript:, data:, relative) is rejected. */
export const HttpUrl = z
  .string()
  .max(LIMITS.url, `must be at most ${LIMITS.url} characters`)
  .refine((value) => URL.canParse(value), "must be an absolute URL")
  .transform((value) => new URL(value))
  .refine((url) => url.protocol === "http:" || url.protocol === "https:", "must be an http(s) URL")
  .transform((url) => url.href);

/**
 * A date-time with a time zone. YAML may hand an unquoted timestamp over as a Date;
 * a string must carry an explicit offset, or readers would each guess a different instant.
 */
const DATE_TIME_FORMAT = "must be an ISO 8601 date-time with a time zone, e.g. 2024-05-02T09:15:00Z";
export const Instant = z
  .union([z.date(), z.iso.datetime({ offset: true, error: DATE_TIME_FORMAT })], {
    error: (issue) => (issue.input === undefined ? "is required" : DATE_TIME_FORMAT),
  })
  .transform((value) => new Date(value))
  .refine((date) => !Number.isNaN(date.getTime()), "must be a valid date")
  .refine((date) => {
    const year = date.getUTCFullYear();
    return year >= 1970 && year <= 9999;
  }, "must be between the years 1970 and 9999");

/** A provider needs a name or a domain; one with a domain only is shown by it, with a warning. */
const Provider = z
  .object({
    name: label.optional(),
    domain: text(LIMITS.label).optional(),
  })
  .refine((provider) => provider.name !== undefined || isLabel(provider.domain ?? ""), {
    message: "needs a name, or a domain to show instead",
    path: ["name"],
  });

const Image = z.object({
  url: HttpUrl,
  width: z.number().int().positive().max(100_000).optional(),
  height: z.number().int().positive().max(100_000).optional(),
  isCached: z.boolean().optional(),
  /** The image's MIME type when the URL does not show it, e.g. `image/webp` (RFC 6838 names). */
  type: z
    .string()
    .regex(/^image\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/, "must be an image MIME type such as image/jpeg")
    .optional(),
});

const list = <T extends z.ZodType>(item: T) =>
  z.array(item).max(LIMITS.listItems, `must have at most ${LIMITS.listItems} entries`);

const RelatedArticle = z
  .object({
    title: requiredText(LIMITS.title),
    excerpt: text(LIMITS.excerpt).optional(),
    publishedDateTime: Instant.optional(),
    webUrl: HttpUrl.optional(),
    originalUrl: HttpUrl.optional(),
    type: text(LIMITS.label).optional(),
    provider: Provider.optional(),
    quality: z.number().finite().optional(),
    images: list(Image).optional(),
  })
  .refine((related) => related.webUrl ?? related.originalUrl, {
    message: "needs a webUrl or an originalUrl",
    path: ["webUrl"],
  });

/** Accepted so a record carrying it is valid (and warns of nothing), then stripped. */
const dropped = z
  .unknown()
  .optional()
  .transform(() => undefined);

/**
 * A record's front matter. Unknown fields are dropped with a warning (src/content/fields.ts
 * reads the known ones off this schema); `secured` and the pipeline's fields that no feed
 * shows are known, and dropped without one.
 */
export const ArticleRecord = z
  .object({
    title: requiredText(LIMITS.title),
    excerpt: text(LIMITS.excerpt).optional(),
    category: label.optional(),
    topics: list(label).optional(),
    publishedDateTime: Instant,
    originalUrl: HttpUrl.optional(),
    webUrl: HttpUrl.optional(),
    type: text(LIMITS.label).optional(),
    quality: z.number().finite().min(0).max(100).optional(),
    heat: z.number().finite().min(-1).max(100).optional(),
    published: z.boolean().default(true),
    provider: Provider.optional(),
    images: list(Image).optional(),
    related: list(RelatedArticle).optional(),
    // Opaque private payload: never compiled.
    secured: dropped,
    // The content pipeline's: an editor's internal note (private), the text's language.
    editorNote: dropped,
    language: dropped,
  })
  .refine((record) => record.webUrl ?? record.originalUrl, {
    message: "needs a webUrl or an originalUrl",
    path: ["webUrl"],
  });

export type ArticleRecord = z.output<typeof ArticleRecord>;
