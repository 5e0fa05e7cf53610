// What `wrangler dev` answers while the content build has failed: every request, at once,
// a page (or a problem document) listing each bad file, line and field. Only a dev build
// ever writes problems (scripts/build.ts); a deploy's build fails instead.
import { html } from "hono/html";

/** A build problem as scripts/build.ts writes it (src/content/compile.ts's Problem). */
export interface BuildProblem {
  file: string;
  line?: number;
  field: string;
  message: string;
}

const where = ({ file, line }: BuildProblem) => (line === undefined ? file : `${file}:${line}`);

/** A person's browser gets the page; readers, scripts and curl a problem document. */
function wantsHtml(request: Request): boolean {
  const accept = request.headers.get("Accept") ?? "";
  return request.headers.get("Sec-Fetch-Dest") === "document" || /\btext\/html\b/i.test(accept);
}

const STYLE = `body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 56rem; padding: 0 1rem; color: #1b1f24; }
li { margin: .4rem 0; } code { font: 13px ui-monospace, monospace; background: #f3f4f6; padding: .1rem .3rem; }`;

export function buildProblemsPage(problems: readonly BuildProblem[]): string {
  const items = problems.map(
    (problem) =>
      html`<li><code>${where(problem)}</code>${problem.field ? html` <code>${problem.field}</code>` : ""}: ${problem.message}</li>`,
  );
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Content build failed</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body><h1>Content build failed</h1>
<p>${problems.length} problem(s) in the records. Fix them and save: <code>wrangler dev</code> rebuilds, and this page gives way to the service.</p>
<ol>${items}</ol></body></html>
`.toString();
}

export function buildProblemsResponse(request: Request, problems: readonly BuildProblem[]): Response {
  const headers = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Access-Control-Allow-Origin": "*",
    // The page has no script and loads nothing.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
  };
  const head = request.method === "HEAD";
  if (wantsHtml(request)) {
    return new Response(head ? null : buildProblemsPage(problems), {
      status: 503,
      headers: { ...headers, "Content-Type": "text/html; charset=utf-8" },
    });
  }
  const body = {
    type: "about:blank",
    title: "Content Build Failed",
    status: 503,
    detail: `${problems.length} problem(s) in the records; fix them and wrangler dev rebuilds.`,
    problems: problems.map(({ file, line, field, message }) => ({ file, line, field: field || undefined, message })),
  };
  return new Response(head ? null : JSON.stringify(body), {
    status: 503,
    headers: { ...headers, "Content-Type": "application/problem+json; charset=utf-8" },
  });
}
