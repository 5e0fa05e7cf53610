// Stable, lower-case URL slugs for topics, categories and providers.

/**
 * Folds accents away (`Énergie` → `energie`) and joins words with `-`. Letters of
 * scripts without an ASCII folding (`人工智能`) are kept, so every label has a slug.
 * Written by hand: slug libraries transliterate per locale, which would make the
 * slug of a topic depend on a library's tables rather than on the label alone.
 */
export function slugify(label: string): string {
  return label
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/ß/g, "ss")
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "");
}
