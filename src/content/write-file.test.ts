import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { holdsParts, partsLength, writeAtomically } from "./write-file.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "write-file-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** More pieces than one writev call takes, of every size from none to past the compare window. */
const pieces = (): Uint8Array[] => {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < 3000; i++) parts.push(Buffer.from(`piece ${i};`.repeat(i % 7)));
  parts.push(Buffer.alloc((1 << 20) + 17, "x"), Buffer.alloc(0), Buffer.from("é, the end\n"));
  return parts;
};

describe("writeAtomically and holdsParts", () => {
  it("write the pieces joined, and leave no temporary file", async () => {
    const file = path.join(dir, "out.js");
    const parts = pieces();
    writeAtomically(file, ["head ", ...parts]);
    expect((await readFile(file)).equals(Buffer.concat([Buffer.from("head "), ...parts]))).toBe(true);
    expect(await readdir(dir)).toEqual(["out.js"]);
  });

  it("find a file unchanged only when every byte is the same", async () => {
    const file = path.join(dir, "out.js");
    const parts = pieces();
    const whole = Buffer.concat(parts);
    expect(whole.length).toBe(partsLength(parts));
    expect(holdsParts(file, parts)).toBe(false);
    await writeFile(file, whole);
    expect(holdsParts(file, parts)).toBe(true);
    // One byte changed anywhere, the size the same: in a small piece, and deep in the large one.
    for (const at of [5, whole.length - 3, whole.length - 200_000]) {
      const changed = Buffer.from(whole);
      changed[at] = (changed[at] as number) ^ 1;
      await writeFile(file, changed);
      expect(holdsParts(file, parts)).toBe(false);
    }
    await writeFile(file, whole.subarray(1));
    expect(holdsParts(file, parts)).toBe(false);
  });
});
