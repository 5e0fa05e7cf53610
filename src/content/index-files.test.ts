// The index's chunks: cut where the articles' digests say, so that an edit, an added or a
// removed article changes the chunks around it and no others.
import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chunkBounds, readIndexFiles, writeIndexFiles } from "./index-files.js";

const digest = (n: number) => createHash("sha256").update(String(n)).digest("base64url");
const firstByteZero = (d: string) => Buffer.from(d, "base64url")[0] === 0;

describe("chunkBounds", () => {
  it("covers every article once, in order, ending a chunk after each digest whose first byte is zero", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(1_000_000), { maxLength: 3000 }), (ns) => {
        const digests = ns.map(digest);
        const bounds = chunkBounds(digests);
        expect(bounds.flatMap(([start, end]) => Array.from({ length: end - start }, (_, i) => start + i))).toEqual(
          digests.map((_, i) => i),
        );
        for (const [start, end] of bounds) {
          expect(end - start).toBeLessThanOrEqual(1024);
          for (let i = start; i < end - 1; i++) expect(firstByteZero(digests[i] as string)).toBe(false);
        }
      }),
      { numRuns: 50 },
    );
  });

  it("keeps the chunks after an inserted article as they were", () => {
    const digests = Array.from({ length: 5000 }, (_, i) => digest(i));
    const before = chunkBounds(digests);
    const after = chunkBounds([...digests.slice(0, 10), digest(-1), ...digests.slice(10)]);
    expect(before.length).toBeGreaterThan(5);
    // Every chunk past the first is the same articles, one place later.
    expect(after.slice(1).map(([s, e]) => [s - 1, e - 1])).toEqual(before.slice(1));
  });
});

describe("writeIndexFiles", () => {
  /** The articles whose JSON was asked for, by index. */
  const asked = new Set<number>();
  const articles = Array.from({ length: 2000 }, (_, i) => ({
    json: () => {
      asked.add(i);
      return JSON.stringify({ id: `a${i}` });
    },
    digest: digest(i),
  }));
  const content = {
    version: "v1",
    articles,
    postings: { name: "p-0000000000000000.js", json: () => [Buffer.from("[]")] },
  };

  it("writes what the index imports, and puts back a chunk that was changed or removed", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "index-files-"));
    try {
      const file = path.join(dir, "index.js");
      writeIndexFiles(file, content);
      const written = readIndexFiles(file);
      const { default: index } = await import(pathToFileURL(file).href);
      expect(index.articles).toEqual(articles.map((_, i) => ({ id: `a${i}` })));
      expect(index.version).toBe("v1");
      const chunks = [...written.keys()].filter((name) => name.includes("/a-"));
      expect(chunks.length).toBeGreaterThan(2);
      // The same size, other bytes, and one chunk gone: both noticed.
      const [first, second] = chunks as [string, string];
      const bytes = written.get(first) as Buffer;
      await writeFile(path.join(dir, first), Buffer.from(bytes.toString("latin1").replace("a", "b"), "latin1"));
      await rm(path.join(dir, second));
      asked.clear();
      expect(writeIndexFiles(file, content)).toBe(true);
      expect(readIndexFiles(file)).toEqual(written);
      // Only the two chunks' articles were asked for their JSON: the ids those chunks hold.
      const ids = [first, second].flatMap((name) =>
        [...(written.get(name) as Buffer).toString("utf8").matchAll(/"id":"a(\d+)"/g)].map(([, i]) => Number(i)),
      );
      expect([...asked].sort((a, b) => a - b)).toEqual(ids.sort((a, b) => a - b));
      // Nothing changed since: nothing written, and no article's JSON asked for.
      asked.clear();
      expect(writeIndexFiles(file, content)).toBe(false);
      expect(asked.size).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
