// Types for the module that `npm run build` writes beside this file (not committed): empty
// but in `wrangler dev` after a failed build (src/http/build-problems.ts).
import type { BuildProblem } from "../src/http/build-problems.js";

declare const problems: readonly BuildProblem[];
export default problems;
