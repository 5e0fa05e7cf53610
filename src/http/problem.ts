// Errors are values with a status, answered as RFC 9457 problem documents; a person who
// navigated to the address in a browser gets the same details as a page instead.
import type { Context } from "hono";
import { html } from "hono/html";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { type SiteConfig, siteConfig } from "../config.js";
import { StoreUnavailable } from "../store/store.js";
import { layout, text } from "./layout.js";
import { wantsReadableView } from "./negotiate.js";

export interface InvalidParam {
  name: string;
  reason: string;
}

export class HttpProblem extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly title: string,
    readonly detail?: string,
    readonly extra: { invalidParams?: InvalidParam[]; headers?: Record<string, string> } = {},
  ) {
    super(detail ?? title);
  }
}

/** The settings, if they parse: a page about a client's mistake must not fail on the operator's. */
function siteOf(c: Context): SiteConfig | undefined {
  try {
    return (c.get("site") as SiteConfig | undefined) ?? siteConfig(c.env ?? {});
  } catch {
    return undefined;
  }
}

/** The problem as a page: its title, detail and invalid parameters, and the way back to the feeds. */
function problemPage(site: SiteConfig | undefined, problem: HttpProblem): string {
  const home = site ? `${site.origin}/` : "/";
  const shell = {
    home,
    siteTitle: site?.title ?? "Feeds",
    language: site?.language ?? "en",
    faviconUrl: `${home}favicon.png`,
  };
  const params = problem.extra.invalidParams ?? [];
  const body = html`<h1>${problem.status} ${problem.title}</h1>
${problem.detail ? html`<p class="detail">${problem.detail}</p>` : ""}
${params.length > 0 ? html`<ul class="invalid">${params.map((p) => html`<li><code>${p.name}</code>: ${p.reason}</li>`)}</ul>` : ""}
<p>The feeds: <a href="${home}rss.xml">RSS</a> · <a href="${home}atom.xml">Atom</a> · <a href="${home}feed.json">JSON Feed</a>,
and every topic, provider and category on <a href="${home}">the home page</a>.</p>`;
  return text(layout(shell, `${problem.status} ${problem.title} — ${shell.siteTitle}`, body));
}

export function problemResponse(c: Context, problem: HttpProblem): Response {
  for (const [name, value] of Object.entries(problem.extra.headers ?? {})) c.header(name, value);
  c.header("Cache-Control", "no-store");
  // Which of the two a client gets depends on these request headers.
  c.header("Vary", "Accept, Sec-Fetch-Dest");
  if (problem.status < 500 && wantsReadableView(c.req.raw.headers)) {
    return c.body(problemPage(siteOf(c), problem), problem.status, { "Content-Type": "text/html; charset=utf-8" });
  }
  const body = {
    type: "about:blank",
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    invalid_params: problem.extra.invalidParams,
  };
  return c.body(JSON.stringify(body), problem.status, { "Content-Type": "application/problem+json; charset=utf-8" });
}

/** The one place errors become responses: a client's mistake is never a 500. */
export function onError(error: Error, c: Context): Response {
  if (error instanceof HttpProblem) return problemResponse(c, error);
  // The store logged what failed and how long it took; the client may simply retry.
  if (error instanceof StoreUnavailable) {
    return problemResponse(
      c,
      new HttpProblem(503, "Service Unavailable", "The article store is unavailable; try again shortly.", {
        headers: { "Retry-After": "30" },
      }),
    );
  }
  // Log the error for the operator; the client gets no stack and no internals.
  console.error(error);
  return problemResponse(
    c,
    new HttpProblem(500, "Internal Server Error", "The service could not answer this request."),
  );
}

/** What a client sent is never echoed back in a path's problem: only a slug's safe characters. */
export function unknownTerm(kind: string, slug: string): HttpProblem {
  const named = /^[\p{L}\p{N}-]{1,100}$/u.test(slug) ? ` ${slug}` : " at this address";
  return new HttpProblem(404, "Not Found", `There is no ${kind}${named}.`);
}

export function notFound(c: Context): Response {
  return problemResponse(
    c,
    new HttpProblem(404, "Not Found", "There is nothing at this address; the feeds are listed at /."),
  );
}
