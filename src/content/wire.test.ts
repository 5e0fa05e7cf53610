import { describe, expect, it } from "vitest";
import type { CompiledFile } from "./incremental.js";
import { decodeFacets, encodeFacets, type Facets } from "./record-cache.js";
import { packChunk, unpackChunk } from "./wire.js";

const facets = encodeFacets({ tokens: "a b", terms: { topics: [{ label: "Ünïcode", slug: "unicode" }] } });
const stamp: [number, number, number, number, number] = [1, 2, 3, 4, 5];
const article = (json: string | Uint8Array): CompiledFile => ({
  hash: "h",
  stamp,
  record: { kind: "article", warnings: [], json, digest: "d", publishedMs: 1, facets, facetsDigest: "f" },
});

describe("a worker's chunk on the wire", () => {
  it("comes back as it went, each article's JSON as the same bytes", () => {
    const files: CompiledFile[] = [
      article('{"title":"ünïcode ✓ 量子"}'),
      { unread: "could not be read (EACCES)" },
      { hash: "d", stamp, record: { kind: "draft", warnings: [] } },
      article(Buffer.from('{"title":"bytes"}')),
      article(""),
      {
        hash: "f",
        stamp,
        record: { kind: "failed", warnings: [], problems: [{ file: "x.md", field: "", message: "m" }] },
      },
    ];
    const { chunk, transfer } = packChunk(files);
    expect(transfer).toEqual([chunk.packed.buffer]);
    // What a structured clone hands the other thread.
    const received = unpackChunk(structuredClone(chunk, { transfer }));
    const asText = (file: CompiledFile) =>
      "record" in file && file.record.kind === "article"
        ? {
            ...file,
            record: {
              ...file.record,
              json: Buffer.from(file.record.json).toString("utf8"),
              facets: Buffer.from(file.record.facets).toString("utf8"),
            },
          }
        : file;
    expect(received.map(asText)).toEqual(files.map(asText));
  });
});

describe("an article's facets as the cache keeps them", () => {
  it.each<[string, Facets]>([
    ["no terms", { tokens: "", terms: { topics: [] } }],
    [
      "every kind",
      {
        tokens: "quantum 量子 l'été",
        terms: {
          topics: [
            { label: "AI", slug: "ai" },
            { label: 'Ünïcode "quoted"', slug: "unicode-quoted" },
          ],
          category: { label: "News", slug: "news" },
          provider: { name: "Nature", slug: "nature" },
        },
      },
    ],
    [
      "a provider without a category",
      { tokens: "a b", terms: { topics: [], provider: { name: "null", slug: "null" } } },
    ],
  ])("come back as they went: %s", (_, facets) => {
    const bytes = encodeFacets(facets);
    expect(decodeFacets(bytes)).toEqual(facets);
    // From a view into a larger buffer, as they lie in a cache segment.
    const blob = Buffer.concat([Buffer.from("[1]"), bytes, Buffer.from("[2]")]);
    expect(decodeFacets(blob.subarray(3, 3 + bytes.length))).toEqual(facets);
  });
});
