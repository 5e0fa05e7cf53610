// Image types from a URL's extension, against the IANA media type registry's names.
import { describe, expect, it } from "vitest";
import { enclosureType, imageMimeType, knownImageType } from "./mime.js";

describe("imageMimeType", () => {
  it.each([
    ["https://img.example/a.jpg", "image/jpeg"],
    ["https://img.example/a.jpeg", "image/jpeg"],
    ["https://img.example/a.jpe", "image/jpeg"],
    ["https://img.example/a.JPG", "image/jpeg"],
    ["https://img.example/a.png", "image/png"],
    ["https://img.example/a.gif", "image/gif"],
    ["https://img.example/a.webp", "image/webp"],
    ["https://img.example/a.avif", "image/avif"],
    ["https://img.example/a.svg", "image/svg+xml"],
    // Only the path counts: not the query, the fragment or the host.
    ["https://img.example/a.png?w=200&fmt=.gif", "image/png"],
    ["https://img.example/a.webp#x.jpg", "image/webp"],
    ["https://img.png.example/photo.jpg", "image/jpeg"],
    ["https://img.example/archive.tar.png", "image/png"],
  ])("%s is %s", (url, type) => {
    expect(imageMimeType(url)).toBe(type);
  });

  it.each([
    "https://images.example-cdn.com/photo?id=123",
    "https://img.example/v1.2/photo",
    "https://img.example/photo.",
    "https://img.example/",
    "https://img.example/a.pdf",
    "https://img.example/a.jpg/",
    "https://img.example/a?name=b.png",
  ])("%s has no type from its extension", (url) => {
    expect(imageMimeType(url)).toBeUndefined();
  });
});

describe("knownImageType", () => {
  it.each([
    // What the record declares wins over the extension; the extension fills in otherwise.
    ["https://images.example-cdn.com/photo?id=123", "image/png", "image/png"],
    ["https://img.example/a.jpg", "image/webp", "image/webp"],
    ["https://img.example/a.jpg", undefined, "image/jpeg"],
    ["https://images.example-cdn.com/photo?id=123", undefined, undefined],
  ])("%s declared %s is %s", (url, declared, type) => {
    expect(knownImageType(url, declared)).toBe(type);
  });
});

describe("enclosureType", () => {
  it("keeps a known type", () => expect(enclosureType("image/png")).toBe("image/png"));
  it("falls back to the image media range when the type is unknown", () => {
    expect(enclosureType(undefined)).toBe("image/*");
  });
});
