// How a worker thread of the build hands its compiled records back: each article's JSON
// and facets packed into one buffer per chunk and transferred, not copied. Structured
// cloning a chunk's JSON strings copied every byte once more into the build's heap, where
// a large folder's articles then sat as strings until the cache turned them into bytes anyway.
import type { CompiledFile } from "./incremental.js";
import type { CachedRecord, FileStamp } from "./record-cache.js";

type Article = Extract<CachedRecord, { kind: "article" }>;

/** Where bytes lie in the chunk's buffer: offset and length. */
type Span = [number, number];

/** A compiled file as sent: an article's JSON and facets replaced by where they lie in `packed`. */
type WireFile =
  | { unread: string }
  | {
      record: Exclude<CachedRecord, Article> | (Omit<Article, "json" | "facets"> & { json: Span; facets: Span });
      hash: string;
      stamp: FileStamp;
    };

export interface WireChunk {
  files: WireFile[];
  packed: Uint8Array;
}

const isArticle = (file: CompiledFile): file is CompiledFile & { record: Article } =>
  "record" in file && file.record.kind === "article";

/** The chunk to post, and the buffer to transfer with it. */
export function packChunk(files: readonly CompiledFile[]): { chunk: WireChunk; transfer: ArrayBuffer[] } {
  let size = 0;
  for (const file of files) if (isArticle(file)) size += byteLength(file.record.json) + file.record.facets.length;
  // Not from the shared pool: the whole ArrayBuffer is transferred.
  const packed = Buffer.allocUnsafeSlow(size);
  let offset = 0;
  const put = (bytes: string | Uint8Array): Span => {
    const start = offset;
    if (typeof bytes === "string") offset += packed.write(bytes, offset);
    else {
      packed.set(bytes, offset);
      offset += bytes.length;
    }
    return [start, offset - start];
  };
  const wire = files.map((file): WireFile => {
    if (!isArticle(file)) return file as WireFile;
    return { ...file, record: { ...file.record, json: put(file.record.json), facets: put(file.record.facets) } };
  });
  return { chunk: { files: wire, packed }, transfer: [packed.buffer as ArrayBuffer] };
}

/** The compiled files of a chunk received: each article's JSON and facets views of the one buffer. */
export function unpackChunk({ files, packed }: WireChunk): CompiledFile[] {
  const bytes = Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
  const view = ([offset, length]: Span) => bytes.subarray(offset, offset + length);
  return files.map((file) => {
    if (!("record" in file) || file.record.kind !== "article") return file as CompiledFile;
    return { ...file, record: { ...file.record, json: view(file.record.json), facets: view(file.record.facets) } };
  });
}

const byteLength = (json: string | Uint8Array) => (typeof json === "string" ? Buffer.byteLength(json) : json.length);
