import type { BlobObject } from "../api";

export interface StoredMeta {
  readonly contentType?: string;
  readonly customMetadata: Readonly<Record<string, string>>;
}

/** An object found by `open`: its facts, and a way to read any part of its content. */
export interface OpenedObject {
  readonly object: BlobObject;
  /** The whole content, when opening it already brought it into memory. */
  readonly content?: Uint8Array;
  read(offset: number, length: number): Promise<Uint8Array>;
}

/**
 * Where the OpenDAL R2 provider keeps objects. Two layouts: `records` (memory, fs: the
 * services cannot store content types or user metadata, so each object is one record file, a
 * header and then the content) and `native` (s3: objects are plain bucket objects, readable
 * through the Workers binding too).
 */
export interface ObjectStore {
  open(key: string): Promise<OpenedObject | null>;
  stat(key: string): Promise<BlobObject | null>;
  /**
   * Stores the content, given whole (text is stored as UTF-8) or as chunks; `etag` overrides
   * the computed one (multipart objects have their own form).
   */
  write(
    key: string,
    content: string | Uint8Array | AsyncIterable<Uint8Array>,
    meta: StoredMeta,
    etag?: string,
  ): Promise<BlobObject>;
  delete(key: string): Promise<void>;
  /** Every object key starting with `prefix`, in no particular order. */
  keys(prefix: string): Promise<string[]>;
}
