// How a worker thread of the build hands its compiled records back: the articles' JSON
// packed into one buffer per chunk and transferred, not copied. Structured cloning a
// chunk's JSON strings copied every byte once more into the build's heap, where a large
// folder's articles then sat as strings until the cache turned them into bytes anyway.
import type { CompiledFile } from "./incremental.js";
import type { CachedRecord, FileStamp } from "./record-cache.js";

type Article = Extract<CachedRecord, { kind: "article" }>;

/** A compiled file as sent: an article's JSON replaced by where it lies in `packed`. */
type WireFile =
  | { unread: string }
  | {
      record: Exclude<CachedRecord, Article> | (Omit<Article, "json"> & { json: [number, number] });
      hash: string;
      stamp: FileStamp;
    };

export interface WireChunk {
  files: WireFile[];
  packed: Uint8Array;
}

/** The chunk to post, and the buffer to transfer with it. */
export function packChunk(files: readonly CompiledFile[]): { chunk: WireChunk; transfer: ArrayBuffer[] } {
  let size = 0;
  for (const file of files)
    if ("record" in file && file.record.kind === "article") size += byteLength(file.record.json);
  // Not from the shared pool: the whole ArrayBuffer is transferred.
  const packed = Buffer.allocUnsafeSlow(size);
  let offset = 0;
  const wire = files.map((file): WireFile => {
    if (!("record" in file) || file.record.kind !== "article") return file as WireFile;
    const { json } = file.record;
    let length = json.length;
    if (typeof json === "string") length = packed.write(json, offset);
    else packed.set(json, offset);
    const at: [number, number] = [offset, length];
    offset += length;
    return { ...file, record: { ...file.record, json: at } };
  });
  return { chunk: { files: wire, packed }, transfer: [packed.buffer as ArrayBuffer] };
}

/** The compiled files of a chunk received: each article's JSON a view of the one buffer. */
export function unpackChunk({ files, packed }: WireChunk): CompiledFile[] {
  const bytes = Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
  return files.map((file) => {
    if (!("record" in file) || file.record.kind !== "article") return file as CompiledFile;
    const [offset, length] = file.record.json;
    return { ...file, record: { ...file.record, json: bytes.subarray(offset, offset + length) } };
  });
}

const byteLength = (json: string | Uint8Array) => (typeof json === "string" ? Buffer.byteLength(json) : json.length);
