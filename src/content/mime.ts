// Image MIME types: from what the record declares, else from the URL's file extension
// (a fixed table of real types), else the documented fallback for enclosures.
// An unknown extension gives no type rather than a guessed `image/<ext>`.

const IMAGE_TYPES: Record<string, string> = {
  avif: "image/avif",
  gif: "image/gif",
  jpe: "image/jpeg",
  jpeg: "image/jpeg",
  jpg: "image/jpeg",
  png: "image/png",
  svg: "image/svg+xml",
  webp: "image/webp",
};

/**
 * The enclosure type of an image whose type cannot be known (a CDN URL such as
 * `/photo?id=123`): RSS requires a type, readers show an enclosure as a picture when its
 * type starts with `image/`, and the W3C validator, the RFC 4287 schema and the readers'
 * harness accept this media range. It claims only what the record says: an image.
 */
export const UNKNOWN_IMAGE_TYPE = "image/*";

export function imageMimeType(url: string): string | undefined {
  const { pathname } = new URL(url);
  const dot = pathname.lastIndexOf(".");
  if (dot < 0 || dot < pathname.lastIndexOf("/")) return undefined;
  return IMAGE_TYPES[pathname.slice(dot + 1).toLowerCase()];
}

/** The type a record's image is known to have: as declared, else from its URL's extension. */
export function knownImageType(url: string, declared: string | undefined): string | undefined {
  return declared ?? imageMimeType(url);
}

/** The type an enclosure carries: the known one, else the fallback. Never empty. */
export function enclosureType(known: string | undefined): string {
  return known ?? UNKNOWN_IMAGE_TYPE;
}
