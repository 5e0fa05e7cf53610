// Test-side validator for JSON Feed 1.1 documents, written from the specification text at
// https://www.jsonfeed.org/version/1.1/ ("spec" below). Each rule cites the spec sentence it
// encodes; where this file is deliberately stricter than the spec, the comment says so.
import { z } from "zod";

export const JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1";

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Says "is required" for a missing member and `message` for a present but wrong one. */
const orRequired = (message: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? "is required" : message;

// ---------------------------------------------------------------------------------------------
// Value formats
// ---------------------------------------------------------------------------------------------

/** An absolute http(s) URL with a host; "://" is required so the URL parser cannot repair "http:x". */
function isHttpUrl(value: string): boolean {
  if (!/^https?:\/\/\S+$/i.test(value)) return false;
  try {
    return new URL(value).hostname !== "";
  } catch {
    return false;
  }
}

// spec: home_page_url, feed_url, next_url, icon, favicon, url, external_url, image, banner_image, avatar are "the URL of" a resource.
const HttpUrl = z
  .string({ error: orRequired("must be an absolute http(s) URL") })
  .refine(isHttpUrl, "must be an absolute http(s) URL");

// spec (author url): "The URL could be a mailto: link, though we suspect that will be rare."
const AuthorUrl = z
  .string({ error: orRequired("must be an absolute http(s) URL or a mailto: link") })
  .refine(
    (value) => isHttpUrl(value) || /^mailto:[^\s@]+@[^\s@]+$/i.test(value),
    "must be an absolute http(s) URL or a mailto: link",
  );

// RFC 3339 §5.6 date-time = full-date "T" full-time, time-offset = "Z" / ("+" / "-") hh:mm; §5.6 NOTE lets "T" and "Z" be lower case.
const RFC3339_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

function isRfc3339DateTime(value: string): boolean {
  const match = RFC3339_DATE_TIME.exec(value);
  if (!match) return false;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, offsetHour = 0, offsetMinute = 0] = match
    .slice(1)
    .map((part) => Number(part ?? "0"));
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  // RFC 3339 §5.7: month 01-12, mday within the month (leap years per Appendix C), hour 00-23, minute 00-59, second 00-60 (leap second), offset hh 00-23 and mm 00-59.
  return (
    day >= 1 &&
    day <= daysInMonth &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 60 &&
    offsetHour <= 23 &&
    offsetMinute <= 59
  );
}

// spec: date_published / date_modified are "in RFC 3339 format (Example: 2010-02-07T14:04:00-05:00)"; RFC 3339 date-times always carry "Z" or an offset.
const DateTime = z
  .string({ error: orRequired("must be an RFC 3339 date-time string") })
  .refine(
    isRfc3339DateTime,
    'must be an RFC 3339 date-time with "Z" or a ±hh:mm offset, e.g. 2010-02-07T14:04:00-05:00',
  );

// spec: language is "in the format specified in RFC 5646 … usually a 2-letter language tag from ISO 639-1, optionally followed by a region tag (Examples: en or en-US)"; a BCP 47-shaped check, not a registry lookup.
const LanguageTag = z
  .string({ error: orRequired("must be a language tag string") })
  .regex(/^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$/, "must be an RFC 5646 (BCP 47) language tag such as en or en-GB");

// spec (attachments): mime_type "specifies the type of the attachment, such as audio/mpeg" — a media type is type "/" subtype (RFC 6838 §4.2), parameters allowed.
const MediaType = z
  .string({ error: orRequired("must be a MIME type string") })
  .regex(
    /^[A-Za-z0-9][\w!#$&^.+-]{0,126}\/[A-Za-z0-9][\w!#$&^.+-]{0,126}(?:\s*;\s*[\w!#$&^.+-]+=(?:[^\s;"]+|"[^"]*"))*$/,
    "must be a MIME type of the form type/subtype, e.g. audio/mpeg",
  );

// ---------------------------------------------------------------------------------------------
// Objects and extensions
// ---------------------------------------------------------------------------------------------

// spec (Extensions): custom object names "must start with an _ character followed by a letter", and "the extension name and its member keys must not contain any . characters".
const EXTENSION_NAME = /^_[A-Za-z][^.]*$/;

/**
 * An object holding the members in `shape`, plus extension members (`_name`). Any other member is
 * an error: `.catchall()` lets extras through the object parse and the refinement then rejects every
 * extra that is not a well-formed extension name — the `.strict()` behaviour with an `_` exception.
 */
function specObject<Shape extends z.ZodRawShape>(shape: Shape, what: string) {
  const known = new Set(Object.keys(shape));
  return z
    .object(shape)
    .catchall(z.unknown())
    .superRefine(
      (value, ctx) => {
        for (const [key, member] of Object.entries(value)) {
          if (known.has(key)) continue;
          if (!key.startsWith("_")) {
            // spec (Extensions): custom members are the "_"-prefixed names ("Leading _ characters are reserved for extensions"); nothing else is defined for this object.
            ctx.addIssue({
              code: "custom",
              path: [key],
              message: `unknown ${what} member; JSON Feed 1.1 defines no such key (extensions must start with "_")`,
            });
          } else if (!EXTENSION_NAME.test(key)) {
            // spec (Extensions): "Names must start with an _ character followed by a letter" and must not contain ".".
            ctx.addIssue({
              code: "custom",
              path: [key],
              message: 'extension name must be "_" followed by a letter, without "." characters',
            });
          } else if (isRecord(member)) {
            // spec (Extensions): the extension's "member keys must not contain any . characters".
            for (const memberKey of Object.keys(member)) {
              if (memberKey.includes(".")) {
                ctx.addIssue({
                  code: "custom",
                  path: [key, memberKey],
                  message: 'extension member keys must not contain "." characters',
                });
              }
            }
          }
        }
      },
      { when: (payload) => isRecord(payload.value) },
    );
}

// spec (Deprecations): 1.1 replaces the singular `author` with `authors` ("New feeds should use authors, even if only 1 author is needed"); this project rejects `author` outright, which is stricter than the spec's "Deprecated items remain valid forever".
const DeprecatedAuthor = z
  .never({ error: "the singular `author` is deprecated in JSON Feed 1.1; use `authors` (an array)" })
  .optional();

export const Author = specObject(
  {
    name: z.string().optional(), // spec: name (optional, string) is the author's name.
    url: AuthorUrl.optional(), // spec: url (optional, string) is the URL of a site owned by the author.
    avatar: HttpUrl.optional(), // spec: avatar (optional, string) is the URL for an image for the author.
  },
  "author",
).superRefine(
  (author, ctx) => {
    // spec: the author members "are all optional — but if you provide an author object, then at least one is required".
    if (author.name === undefined && author.url === undefined && author.avatar === undefined) {
      ctx.addIssue({ code: "custom", message: "an author object must include at least one of name, url or avatar" });
    }
  },
  { when: (payload) => isRecord(payload.value) },
);

// spec: authors (optional, array of objects) specifies one or more authors.
const Authors = z.array(Author);

export const Hub = specObject(
  {
    type: z.string({ error: orRequired("must be a string") }).min(1, "must not be empty"), // spec (hubs): "Each object has a type and url, both of which are required."
    url: HttpUrl, // spec (hubs): url is required; it is the hub endpoint.
  },
  "hub",
);

export const Attachment = specObject(
  {
    url: HttpUrl, // spec: url (required, string) specifies the location of the attachment.
    mime_type: MediaType, // spec: mime_type (required, string) specifies the type of the attachment, such as "audio/mpeg".
    title: z.string().optional(), // spec: title (optional, string) is a name for the attachment.
    size_in_bytes: z.number().int().nonnegative().optional(), // spec: size_in_bytes (optional, number) specifies how large the file is — a byte count.
    duration_in_seconds: z.number().nonnegative().optional(), // spec: duration_in_seconds (optional, number) specifies how long it takes to play.
  },
  "attachment",
);

export const Item = specObject(
  {
    // spec: id (required, string); "Clarified that id should be a string" (1.1 changes), so numbers are rejected; "If an id is blank … the item must be discarded".
    id: z
      .string({ error: orRequired("must be a string (JSON Feed 1.1: publishers write ids as strings)") })
      .refine((id) => id.trim() !== "", "must not be blank"),
    url: HttpUrl.optional(), // spec: url (optional, string) is the URL of the resource described by the item (the permalink).
    external_url: HttpUrl.optional(), // spec: external_url (very optional, string) is the URL of a page elsewhere.
    title: z.string().optional(), // spec: title (optional, string) is plain text.
    content_html: z.string().optional(), // spec: content_html is an optional string (the HTML of the item).
    content_text: z.string().optional(), // spec: content_text is an optional string (the plain text of the item).
    summary: z.string().optional(), // spec: summary (optional, string) is a plain text sentence or two describing the item.
    image: HttpUrl.optional(), // spec: image (optional, string) is the URL of the main image for the item.
    banner_image: HttpUrl.optional(), // spec: banner_image (optional, string) is the URL of an image to use as a banner.
    date_published: DateTime.optional(), // spec: date_published (optional, string) specifies the date in RFC 3339 format.
    date_modified: DateTime.optional(), // spec: date_modified (optional, string) specifies the modification date in RFC 3339 format.
    authors: Authors.optional(), // spec: item authors (optional, array of objects) has the same structure as the top-level authors.
    author: DeprecatedAuthor, // spec (Deprecations): singular author replaced by authors (rejected here, see DeprecatedAuthor).
    tags: z.array(z.string()).optional(), // spec: tags (optional, array of strings) can have any plain text values.
    language: LanguageTag.optional(), // spec: item language uses "the same format as the top-level language field".
    attachments: z.array(Attachment).optional(), // spec: attachments (optional, array) lists related resources.
  },
  "item",
).superRefine(
  (item, ctx) => {
    // spec: "content_html and content_text are each optional strings — but one or both must be present."
    if (item.content_html === undefined && item.content_text === undefined) {
      ctx.addIssue({ code: "custom", message: "an item must have content_html or content_text (one or both)" });
    }
  },
  { when: (payload) => isRecord(payload.value) },
);

/** The whole document: a parsed JSON Feed 1.1 feed object. */
export const JsonFeed11 = specObject(
  {
    // spec: version (required, string) is the URL of the version of the format the feed uses — for 1.1, https://jsonfeed.org/version/1.1.
    version: z.literal(JSON_FEED_VERSION, { error: orRequired(`must be exactly "${JSON_FEED_VERSION}"`) }),
    title: z.string({ error: orRequired("must be a string") }), // spec: title (required, string) is the name of the feed.
    home_page_url: HttpUrl.optional(), // spec: home_page_url (optional but strongly recommended, string) is the URL of the resource the feed describes.
    feed_url: HttpUrl.optional(), // spec: feed_url (optional but strongly recommended, string) is the URL of the feed.
    description: z.string().optional(), // spec: description (optional, string) provides more detail on what the feed is about.
    user_comment: z.string().optional(), // spec: user_comment (optional, string) is a description of the feed for people reading the raw JSON.
    next_url: HttpUrl.optional(), // spec: next_url (optional, string) is the URL of a feed that provides the next n items.
    icon: HttpUrl.optional(), // spec: icon (optional, string) is the URL of an image for the feed suitable for a timeline.
    favicon: HttpUrl.optional(), // spec: favicon (optional, string) is the URL of an image for the feed suitable for a source list.
    authors: Authors.optional(), // spec: authors (optional, array of objects) specifies one or more feed authors.
    author: DeprecatedAuthor, // spec (Deprecations): singular author replaced by authors (rejected here, see DeprecatedAuthor).
    language: LanguageTag.optional(), // spec: language (optional, string) is the primary language for the feed, per RFC 5646.
    expired: z.boolean().optional(), // spec: expired (optional, boolean) says whether or not the feed is finished.
    hubs: z.array(Hub).optional(), // spec: hubs (very optional, array of objects) describes real-time notification endpoints.
    items: z.array(Item, { error: orRequired("must be an array of items") }), // spec: "items is an array, and is required."
  },
  "feed",
)
  .superRefine(
    (feed, ctx) => {
      // spec: "next_url must not be the same as feed_url".
      if (feed.next_url !== undefined && feed.next_url === feed.feed_url) {
        ctx.addIssue({ code: "custom", path: ["next_url"], message: "must not be the same as feed_url" });
      }
    },
    { when: (payload) => isRecord(payload.value) },
  )
  .superRefine(
    (feed, ctx) => {
      // spec: id "is unique for that item for that feed over time" — so no two items in one feed share an id.
      const firstIndex = new Map<string, number>();
      feed.items.forEach((item: unknown, index) => {
        if (!isRecord(item) || typeof item.id !== "string") return;
        const earlier = firstIndex.get(item.id);
        if (earlier === undefined) firstIndex.set(item.id, index);
        else
          ctx.addIssue({
            code: "custom",
            path: ["items", index, "id"],
            message: `duplicate id ${JSON.stringify(item.id)} (already used by items[${earlier}]); ids must be unique within the feed`,
          });
      });
    },
    { when: (payload) => isRecord(payload.value) && Array.isArray(payload.value.items) },
  );

export type JsonFeed11 = z.infer<typeof JsonFeed11>;
/** An item of a valid feed, with the `_related` extension this service writes. */
export type JsonFeedItem = z.infer<typeof Item> & { _related?: { articles: { url: string }[] } };

/** `items[3].date_published`-style rendering of a zod issue path. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (typeof segment === "string" && /^[A-Za-z_$][\w$]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out === "" ? "(feed)" : out;
}

/**
 * Every problem with `doc` (an already-parsed JSON value) as a JSON Feed 1.1 document, one readable
 * line each ("items[3].date_published: must be …"); an empty list means the document is valid.
 * Duplicate item ids are among the problems reported.
 */
export function checkJsonFeed(doc: unknown): string[] {
  const result = JsonFeed11.safeParse(doc);
  if (result.success) return [];
  return result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
}
