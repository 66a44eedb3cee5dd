import type { BlobInput, BlobObject, BlobObjectBody, BlobRange } from "./api";

const decoder = new TextDecoder();

/** Reads a stream to its end into one array. */
export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.byteLength;
  }
  return joinBytes(chunks, total);
}

/** Pieces of `total` bytes as one array (the piece itself when there is only one). */
export function joinBytes(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1 && chunks[0] !== undefined) return chunks[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** A value that is already in memory as bytes, or undefined for a stream. */
export function memoryBytes(value: BlobInput): Uint8Array | undefined {
  if (typeof value === "string") return new TextEncoder().encode(value);
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return undefined;
}

/** Any accepted value as bytes (streams are read to the end). */
export async function inputBytes(value: BlobInput): Promise<Uint8Array> {
  if (typeof value === "string") return new TextEncoder().encode(value);
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return readAll(value);
}

/** Any accepted value as a stream of byte chunks, without reading it ahead. */
export async function* inputChunks(value: BlobInput): AsyncGenerator<Uint8Array> {
  if (typeof value === "string" || value instanceof Uint8Array || value instanceof ArrayBuffer) {
    yield await inputBytes(value);
    return;
  }
  const reader = value.getReader();
  try {
    for (;;) {
      const { done, value: chunk } = await reader.read();
      if (done) return;
      yield chunk;
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * An object with its content. The body stream is made on first use of `body`; `bytes()`,
 * `text()` and `json()` read through it then, and otherwise go straight to `whole` (the content
 * itself when it is already in memory, or a way to read it), so a small object read with
 * `text()` costs no stream machinery. Read the content once, either way.
 * A class rather than an object literal: one `get` allocates this on every read, and a literal
 * with a spread and a getter costs several times more.
 */
class ObjectBody implements BlobObjectBody {
  readonly key: string;
  readonly size: number;
  readonly etag: string;
  readonly uploaded: Date;
  readonly contentType?: string;
  readonly customMetadata: Readonly<Record<string, string>>;
  readonly range: BlobRange;
  #stream: ReadableStream<Uint8Array> | undefined;
  readonly #makeBody: () => ReadableStream<Uint8Array>;
  readonly #whole: Uint8Array | (() => Promise<Uint8Array>);

  constructor(
    object: BlobObject,
    makeBody: () => ReadableStream<Uint8Array>,
    range: BlobRange,
    whole: Uint8Array | (() => Promise<Uint8Array>),
  ) {
    this.key = object.key;
    this.size = object.size;
    this.etag = object.etag;
    this.uploaded = object.uploaded;
    if (object.contentType !== undefined) this.contentType = object.contentType;
    this.customMetadata = object.customMetadata;
    this.range = range;
    this.#makeBody = makeBody;
    this.#whole = whole;
  }

  get body(): ReadableStream<Uint8Array> {
    this.#stream ??= this.#makeBody();
    return this.#stream;
  }

  bytes(): Promise<Uint8Array> {
    if (this.#stream !== undefined) return readAll(this.#stream);
    return typeof this.#whole === "function" ? this.#whole() : Promise.resolve(this.#whole);
  }

  text(): Promise<string> {
    // In memory already: decode in this step, without a promise in between.
    if (this.#stream === undefined && typeof this.#whole !== "function") {
      return Promise.resolve(decoder.decode(this.#whole));
    }
    return this.bytes().then((content) => decoder.decode(content));
  }

  json<T = unknown>(): Promise<T> {
    return this.text().then((text) => JSON.parse(text) as T);
  }
}

export function withBody(
  object: BlobObject,
  makeBody: () => ReadableStream<Uint8Array>,
  range: BlobRange,
  whole: Uint8Array | (() => Promise<Uint8Array>),
): BlobObjectBody {
  return new ObjectBody(object, makeBody, range, whole);
}
