// Site settings from the Worker's environment (wrangler.toml [vars]), parsed once with zod.
import { createHash } from "node:crypto";
import { z } from "zod";
import { cleanText } from "./content/schema.js";
import { DEFAULT_LIMIT, MAX_LIMIT } from "./http/query.js";

/**
 * The site's base URL: an origin, or an origin and the path the site lives under
 * (`https://example.org/news`), written without a trailing slash.
 */
const SiteUrl = z
  .url({ protocol: /^https?$/, error: "must be an absolute http(s) URL" })
  .transform((value) => new URL(value))
  .refine((url) => !url.search && !url.hash && !url.username && !url.password, {
    error: "must be an origin or an origin and a path, without a query, fragment or user",
  })
  .refine((url) => !/\/\/|\/\.\.?(\/|$)/.test(url.pathname.replace(/\/$/, "")), {
    error: "must have a path without empty, . or .. segments",
  })
  .transform((url) => `${url.origin}${url.pathname.replace(/\/$/, "")}`);

/** `true`/`false` as wrangler.toml writes them (a boolean) or as a string from the dashboard. */
const flag = z.union([z.boolean(), z.enum(["true", "false"]).transform((value) => value === "true")], {
  error: "must be true or false",
});

const seconds = z.coerce.number().int("must be whole seconds").min(0).max(31_536_000);

/** The settings schema, exported so that the build and the deploy guard check wrangler.toml with it. */
export const Settings = z.object({
  /** The base URL every absolute URL in a body is built from; never the Host header. */
  SITE_URL: SiteUrl,
  SITE_TITLE: z.string().trim().min(1).transform(cleanText),
  SITE_DESCRIPTION: z.string().trim().min(1).transform(cleanText),
  /** A BCP 47 language tag, e.g. `en` or `en-GB`. */
  SITE_LANGUAGE: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, "must be a language tag such as en or en-GB"),
  /**
   * The date in `tag:` ids (RFC 4151): a day on which the site's owner held the
   * domain. It must never change once feeds are published, or every item is new again.
   */
  TAG_DATE: z.string().regex(/^\d{4}(-\d{2}){0,2}$/, "must be YYYY, YYYY-MM or YYYY-MM-DD"),
  /** Seconds a feed response stays fresh, at the edge and in readers. */
  CACHE_MAX_AGE: seconds.default(300),
  /** Seconds after that in which a stale copy is served while a fresh one is rendered. */
  CACHE_STALE_WHILE_REVALIDATE: seconds.default(600),
  /** Seconds after that in which a stale copy is served when rendering fails. */
  CACHE_STALE_IF_ERROR: seconds.default(86_400),
  /** Items on a feed page when the request names no `limit`. */
  PAGE_SIZE: z.coerce
    .number()
    .int("must be a whole number")
    .min(1)
    .max(MAX_LIMIT, `must be at most ${MAX_LIMIT}`)
    .default(DEFAULT_LIMIT),
  /** Whether items carry their body (`content:encoded`, `content`, `content_html`), or only the excerpt. */
  FULL_TEXT: flag.default(true),
  /** Where articles come from: the bundled index, or D1 (the `DB` binding). */
  STORE: z.enum(["bundled", "d1"]).default("bundled"),
  /** A WebSub hub to advertise and ping; empty or absent means none. */
  WEBSUB_HUB: z.union([z.literal(""), z.url({ protocol: /^https?$/, error: "must be an http(s) URL" })]).optional(),
});

export interface SiteConfig {
  /**
   * The base URL (SITE_URL): the origin, plus the path the site lives under when it has
   * one (`https://example.org/news`), never with a trailing slash. Every absolute URL is
   * `${origin}/…`.
   */
  origin: string;
  /** The path the site lives under, `/news`, or "" at the root: what requests start with. */
  basePath: string;
  title: string;
  description: string;
  language: string;
  /** `tag:<host>,<date>:`, the prefix of every id this site mints. */
  tagPrefix: string;
  iconUrl: string;
  logoUrl: string;
  faviconUrl: string;
  cache: CachePolicy;
  /** Items per page when the request names no `limit`. */
  pageSize: number;
  /** Whether items carry their body. */
  fullText: boolean;
  hub?: string;
  store: "bundled" | "d1";
  /**
   * A hash of every parsed setting: part of each cache key, so a deploy that changes only
   * `[vars]` (a title, the origin, the hub) never answers with bytes or headers cached
   * under the old ones. A new setting joins it by being in the schema.
   */
  version: string;
}

/** Lifetimes of cached feed responses, in seconds. */
export interface CachePolicy {
  maxAge: number;
  staleWhileRevalidate: number;
  staleIfError: number;
}

export class ConfigError extends Error {}

/** The parsed settings in schema order, hashed: the same settings give the same version. */
function settingsVersion(settings: z.output<typeof Settings>): string {
  return createHash("sha256").update(JSON.stringify(settings)).digest("base64url").slice(0, 12);
}

const parsed = new WeakMap<object, SiteConfig>();

/** Parses the environment once per `env` object (the Worker reuses it across requests). */
export function siteConfig(env: object): SiteConfig {
  let config = parsed.get(env);
  if (!config) {
    const result = Settings.safeParse(env);
    if (!result.success) {
      const problems = result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
      throw new ConfigError(`invalid configuration in wrangler.toml [vars]: ${problems.join("; ")}`);
    }
    const settings = result.data;
    const base = new URL(settings.SITE_URL);
    const basePath = base.pathname === "/" ? "" : base.pathname;
    config = {
      origin: settings.SITE_URL,
      basePath,
      title: settings.SITE_TITLE,
      description: settings.SITE_DESCRIPTION,
      language: settings.SITE_LANGUAGE,
      // A site under a path mints its ids under that path, so two sites on one host never share one.
      tagPrefix: `tag:${base.hostname},${settings.TAG_DATE}:${basePath.slice(1)}${basePath ? "/" : ""}`,
      iconUrl: `${settings.SITE_URL}/icon.png`,
      logoUrl: `${settings.SITE_URL}/logo.png`,
      faviconUrl: `${settings.SITE_URL}/favicon.png`,
      cache: {
        maxAge: settings.CACHE_MAX_AGE,
        staleWhileRevalidate: settings.CACHE_STALE_WHILE_REVALIDATE,
        staleIfError: settings.CACHE_STALE_IF_ERROR,
      },
      pageSize: settings.PAGE_SIZE,
      fullText: settings.FULL_TEXT,
      hub: settings.WEBSUB_HUB || undefined,
      store: settings.STORE,
      version: settingsVersion(settings),
    };
    parsed.set(env, config);
  }
  return config;
}
