// Media RSS elements, shared by the RSS and Atom renderers (readers show the thumbnail).
import type { Article } from "../content/article.js";
import { attrs } from "./xml.js";

export function mediaElements(article: Article): string {
  let out = "";
  for (const image of article.images) {
    out += `<media:content${attrs({ url: image.url, type: image.mimeType, medium: "image", width: image.width, height: image.height })}/>`;
  }
  const [first] = article.images;
  if (first) out += `<media:thumbnail${attrs({ url: first.url, width: first.width, height: first.height })}/>`;
  return out;
}
