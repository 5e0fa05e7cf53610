// Image MIME types from a URL's file extension, from a fixed table of real types.
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

export function imageMimeType(url: string): string | undefined {
  const { pathname } = new URL(url);
  const dot = pathname.lastIndexOf(".");
  if (dot < 0 || dot < pathname.lastIndexOf("/")) return undefined;
  return IMAGE_TYPES[pathname.slice(dot + 1).toLowerCase()];
}
