// Types for the module that `npm run build` writes beside this file (not committed).
import type { ContentIndex } from "../src/content/article.js";

declare const index: ContentIndex;
export default index;
