// <feed-list src="https://…/feed.json" limit="5">: the newest items of a JSON Feed on any
// page. Runs in the browser, not the Worker: the build minifies it and /embed.js serves it.
// No dependency, no innerHTML, no eval and no inline style, so it works under a strict
// Content-Security-Policy and Trusted Types; feed text only ever becomes textContent.
(() => {
  const NAME = "feed-list";
  if (typeof customElements === "undefined" || customElements.get(NAME)) return;

  const DEFAULT_LIMIT = 5;
  const MAX_LIMIT = 100;
  const EXCERPT_CHARS = 300;
  const TIMEOUT_MS = 10_000;
  const TARGETS = ["_blank", "_self", "_parent", "_top"];

  // Constructable stylesheets: adopted sheets are not inline styles, so a host page's
  // style-src (even 'none') does not block them. Every value is a documented custom property.
  const CSS = `
:host{display:block;font:var(--feed-list-font,inherit);color:var(--feed-list-color,inherit);background:var(--feed-list-background,transparent)}
:host([hidden]){display:none}
h1,h2,h3,h4,h5,h6,p{margin:0}
[part~=header]{margin:0 0 var(--feed-list-gap,.75rem);font-size:var(--feed-list-header-size,1.25em)}
ul{list-style:none;margin:0;padding:0;display:grid;gap:var(--feed-list-gap,.75rem)}
li{display:flex;gap:var(--feed-list-gap,.75rem);align-items:flex-start}
li>div{min-width:0;flex:1}
[part~=heading]{font-size:var(--feed-list-title-size,1em);line-height:1.3}
a{color:var(--feed-list-link,inherit);text-decoration:underline;text-underline-offset:.15em}
a:hover{text-decoration-thickness:2px}
a:focus-visible{outline:var(--feed-list-focus-width,2px) solid var(--feed-list-focus,currentColor);outline-offset:2px;border-radius:2px}
[part~=meta]{font-size:.875em;color:var(--feed-list-muted,inherit);opacity:var(--feed-list-muted-opacity,.75)}
[part~=meta]>*+*::before{content:" · "}
[part~=excerpt]{margin-top:.25em;display:-webkit-box;-webkit-box-orient:vertical;-webkit-line-clamp:var(--feed-list-excerpt-lines,3);overflow:hidden}
[part~=thumbnail]{flex:none;width:var(--feed-list-thumb-size,4.5rem);height:var(--feed-list-thumb-size,4.5rem);object-fit:cover;border-radius:var(--feed-list-radius,4px)}
[part~=status]{font-style:italic}
`;
  let sheet;
  const styles = () => {
    if (sheet === undefined) {
      try {
        sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);
      } catch {
        sheet = null;
      }
    }
    return sheet;
  };

  /** A URL only when it is http(s): a feed may hold `javascript:` or `data:` URLs. */
  const safeUrl = (value, base) => {
    if (typeof value !== "string") return undefined;
    try {
      const url = new URL(value, base);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : undefined;
    } catch {
      return undefined;
    }
  };

  const text = (value) => (typeof value === "string" ? value.trim() : "");

  const el = (tag, part, content) => {
    const node = document.createElement(tag);
    if (part) node.setAttribute("part", part);
    if (content) node.textContent = content;
    return node;
  };

  class FeedList extends HTMLElement {
    static observedAttributes = ["src", "limit", "hide", "level", "target"];

    constructor() {
      super();
      this.root = this.attachShadow({ mode: "open" });
      const adopted = styles();
      if (adopted) this.root.adoptedStyleSheets = [adopted];
      else this.root.append(el("style", "", CSS));
      // Until the feed arrives (and when it cannot), the element's own children show:
      // a host writes its fallback link inside <feed-list>, which also works without scripts.
      this.root.append(document.createElement("slot"));
    }

    connectedCallback() {
      this.schedule();
    }

    disconnectedCallback() {
      this.controller?.abort();
    }

    attributeChangedCallback() {
      this.schedule();
    }

    /** One fetch for an upgrade's or a script's burst of attribute changes, not one each. */
    schedule() {
      if (this.pending) return;
      this.pending = true;
      queueMicrotask(() => {
        this.pending = false;
        if (this.isConnected) this.load();
      });
    }

    async load() {
      this.controller?.abort();
      const controller = new AbortController();
      this.controller = controller;
      const src = safeUrl(this.getAttribute("src"), document.baseURI);
      this.setAttribute("aria-busy", "true");
      try {
        if (!src) throw new Error("src must be an http(s) URL");
        const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
        const response = await fetch(src, {
          signal: controller.signal,
          headers: { Accept: "application/feed+json, application/json" },
          credentials: "omit",
        });
        const feed = response.ok ? await response.json() : undefined;
        clearTimeout(timer);
        if (!feed || !Array.isArray(feed.items)) throw new Error(`${src} is not a JSON Feed (${response.status})`);
        if (controller.signal.aborted) return;
        this.render(feed, src);
        this.dispatchEvent(new CustomEvent("load"));
      } catch (error) {
        if (this.controller !== controller) return;
        this.fail(src);
        this.dispatchEvent(new CustomEvent("error", { detail: error }));
      } finally {
        if (this.controller === controller) this.removeAttribute("aria-busy");
      }
    }

    get limit() {
      const limit = Number.parseInt(this.getAttribute("limit") ?? "", 10);
      return limit >= 1 ? Math.min(limit, MAX_LIMIT) : DEFAULT_LIMIT;
    }

    get level() {
      const level = Number.parseInt(this.getAttribute("level") ?? "", 10);
      return level >= 1 && level <= 5 ? level : 2;
    }

    hides(token) {
      return (this.getAttribute("hide") ?? "").toLowerCase().split(/\s+/).includes(token);
    }

    link(href, part, content) {
      const a = el("a", part, content);
      a.href = href;
      const target = this.getAttribute("target");
      if (TARGETS.includes(target)) {
        a.target = target;
        if (target === "_blank") a.rel = "noopener";
      }
      return a;
    }

    render(feed, src) {
      const nodes = [];
      let level = this.level;
      const title = text(feed.title);
      if (title && !this.hides("header")) {
        const header = el(`h${level}`, "header");
        const home = safeUrl(feed.home_page_url, src);
        header.append(home ? this.link(home, "header-link", title) : title);
        nodes.push(header);
        level++;
      }
      const list = el("ul", "list");
      if (title) list.setAttribute("aria-label", title);
      const items = feed.items.filter((item) => item && typeof item === "object").slice(0, this.limit);
      for (const item of items) list.append(this.item(item, src, level));
      if (list.childElementCount === 0) list.append(el("li", "item status", "No articles yet."));
      nodes.push(list);
      this.root.replaceChildren(...nodes);
    }

    item(item, src, level) {
      const li = el("li", "item");
      const body = document.createElement("div");
      const title = text(item.title) || text(item.summary).slice(0, 80) || "Untitled";
      const url = safeUrl(item.url, src) ?? safeUrl(item.external_url, src);
      const heading = el(`h${level}`, "heading");
      heading.append(url ? this.link(url, "link", title) : title);
      body.append(heading);

      const meta = el("p", "meta");
      // JSON Feed 1.1 has `authors`; 1.0 had `author`.
      const authors = Array.isArray(item.authors) ? item.authors : [item.author];
      const provider = text(authors[0]?.name);
      if (provider && !this.hides("provider")) meta.append(el("span", "provider", provider));
      const date = new Date(item.date_published);
      if (!Number.isNaN(date.getTime()) && !this.hides("date")) {
        const time = el("time", "date", formatDate(date, this.closest("[lang]")?.lang));
        time.dateTime = date.toISOString();
        meta.append(time);
      }
      if (meta.childElementCount > 0) body.append(meta);

      const excerpt = text(item.summary) || text(item.content_text);
      if (excerpt && excerpt !== title && !this.hides("excerpt")) {
        const clipped = excerpt.length > EXCERPT_CHARS ? `${excerpt.slice(0, EXCERPT_CHARS - 1)}…` : excerpt;
        body.append(el("p", "excerpt", clipped));
      }

      const image = safeUrl(item.image ?? item.banner_image, src);
      if (image && !this.hides("image")) {
        const img = el("img", "thumbnail");
        img.alt = "";
        img.loading = "lazy";
        img.decoding = "async";
        img.referrerPolicy = "no-referrer";
        // A thumbnail that cannot load leaves no broken-image box behind.
        img.addEventListener("error", () => img.remove());
        img.src = image;
        li.append(img);
      }
      li.append(body);
      return li;
    }

    /** The children the host wrote, or else a link to the feed itself. */
    fail(src) {
      const fallback = this.childElementCount > 0 || text(this.textContent) ? [document.createElement("slot")] : [];
      if (fallback.length === 0) {
        const p = el("p", "fallback");
        if (src) p.append(this.link(src, "fallback-link", "Open the feed"));
        else p.textContent = "This feed could not be shown.";
        fallback.push(p);
      }
      this.root.replaceChildren(...fallback);
    }
  }

  const formatDate = (date, lang) => {
    try {
      return date.toLocaleDateString(lang || undefined, { year: "numeric", month: "short", day: "numeric" });
    } catch {
      return date.toISOString().slice(0, 10);
    }
  };

  customElements.define(NAME, FeedList);
})();
