// Cutting rendered HTML short without breaking it: never inside a tag, an entity or a
// surrogate pair, and every element left open is closed. For bodies over the item cap.

const VOID = new Set(["area", "br", "col", "embed", "hr", "img", "input", "source", "track", "wbr"]);

/** A comment, a tag (quoted attribute values may hold `>`), an entity, a run of text, or a stray `<`/`&`. */
const TOKEN =
  /<!--[\s\S]*?-->|<(\/?)([A-Za-z][A-Za-z0-9-]*)(?:[^>"']|"[^"]*"|'[^']*')*>|&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);|[^<&]+|[<&]/g;

const closers = (open: readonly string[]) =>
  open
    .map((name) => `</${name}>`)
    .reverse()
    .join("");

/** Text of at most `room` characters from the start of `text`, ending at a space when one is near. */
function cutText(text: string, room: number): string {
  let cut = text.slice(0, Math.max(0, room));
  // A high surrogate whose pair was cut off would be an illegal lone surrogate.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  const space = cut.search(/\s\S*$/);
  return space > cut.length - 80 && space > 0 ? cut.slice(0, space) : cut;
}

/**
 * The longest well-formed start of `html` of at most `max` characters, closing tags
 * included; `html` itself when it fits. Input is the renderer's own HTML (tags balanced).
 */
export function truncateHtml(html: string, max: number): string {
  if (html.length <= max) return html;
  const open: string[] = [];
  let out = "";
  let reserved = 0;
  for (const match of html.matchAll(TOKEN)) {
    const [token, slash, rawName] = match;
    const name = rawName?.toLowerCase();
    const opens = name !== undefined && slash === "" && !VOID.has(name) && !token.endsWith("/>");
    const cost = token.length + (opens ? name.length + 3 : 0);
    if (out.length + reserved + cost > max) {
      // Only text can be cut; a tag or an entity goes whole or not at all.
      if (name === undefined && !token.startsWith("&") && !token.startsWith("<")) {
        out += cutText(token, max - out.length - reserved);
      }
      break;
    }
    out += token;
    if (opens) {
      open.push(name);
      reserved += name.length + 3;
    } else if (name !== undefined && slash === "/") {
      const at = open.lastIndexOf(name);
      if (at >= 0) {
        for (const closed of open.splice(at)) reserved -= closed.length + 3;
      }
    }
  }
  return out + closers(open);
}
