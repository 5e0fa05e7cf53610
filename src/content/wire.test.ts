import { describe, expect, it } from "vitest";
import type { CompiledFile } from "./incremental.js";
import { packChunk, unpackChunk } from "./wire.js";

const stamp: [number, number, number, number, number] = [1, 2, 3, 4, 5];
const article = (json: string | Uint8Array): CompiledFile => ({
  hash: "h",
  stamp,
  record: { kind: "article", warnings: [], json, digest: "d", publishedMs: 1, tokens: "a b", terms: { topics: [] } },
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
        ? { ...file, record: { ...file.record, json: Buffer.from(file.record.json).toString("utf8") } }
        : file;
    expect(received.map(asText)).toEqual(files.map(asText));
  });
});
