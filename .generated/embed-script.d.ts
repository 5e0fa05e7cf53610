// Types for the module that `npm run build` writes beside this file (not committed).
declare const script: {
  /** The first 16 hex digits of the minified script's SHA-256: its versioned URL. */
  version: string;
  /** Subresource Integrity of the minified script, `sha384-…`. */
  integrity: string;
  /** The minified script. */
  source: string;
};
export default script;
