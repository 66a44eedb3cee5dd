/** Stored facts about an object, as `head` and listings return them. */
export interface BlobObject {
  readonly key: string;
  readonly size: number;
  /** Hex digest without quotes; changes whenever the content does. */
  readonly etag: string;
  readonly uploaded: Date;
  readonly contentType?: string;
  readonly customMetadata: Readonly<Record<string, string>>;
}

/** The bytes `get` served: always present, the whole object when no range was asked for. */
export interface BlobRange {
  readonly offset: number;
  readonly length: number;
}

export interface BlobObjectBody extends BlobObject {
  /** Streamed, so large objects never sit in memory whole. Read it, or one helper, once. */
  readonly body: ReadableStream<Uint8Array>;
  readonly range: BlobRange;
  bytes(): Promise<Uint8Array>;
  text(): Promise<string>;
  json<T = unknown>(): Promise<T>;
}

/** `{ offset, length? }` (to the end when no length) or the last `suffix` bytes. */
export type BlobRangeRequest = { readonly offset: number; readonly length?: number } | { readonly suffix: number };

/**
 * Write only when the stored etag matches (`etagMatches`) or does not (`etagDoesNotMatch`).
 * "*" stands for any object: `etagDoesNotMatch: "*"` writes only when the key is absent.
 */
export interface BlobConditions {
  readonly etagMatches?: string;
  readonly etagDoesNotMatch?: string;
}

export type BlobInput = string | Uint8Array | ArrayBuffer | ReadableStream<Uint8Array>;

export interface BlobPutOptions {
  readonly contentType?: string;
  readonly customMetadata?: Readonly<Record<string, string>>;
  readonly onlyIf?: BlobConditions;
  /**
   * The length of a streamed value, when known: lets the Workers provider stream it into R2
   * instead of buffering it first (R2 needs a stream's length up front).
   */
  readonly size?: number;
}

export interface BlobListOptions {
  readonly prefix?: string;
  /** Groups keys that continue past the prefix up to this string into `delimitedPrefixes`. */
  readonly delimiter?: string;
  readonly cursor?: string;
  /** 1–1000, default 1000; objects and delimited prefixes both count. */
  readonly limit?: number;
}

export interface BlobListResult {
  readonly objects: readonly BlobObject[];
  readonly delimitedPrefixes: readonly string[];
  readonly truncated: boolean;
  readonly cursor?: string;
}

export interface UploadedPart {
  readonly partNumber: number;
  readonly etag: string;
}

export interface MultipartUpload {
  readonly key: string;
  readonly uploadId: string;
  /** Parts 1–10000. Every part but the last must be at least 5 MiB, and all of those the same size. */
  uploadPart(partNumber: number, value: BlobInput, options?: { readonly size?: number }): Promise<UploadedPart>;
  complete(parts: readonly UploadedPart[]): Promise<BlobObject>;
  abort(): Promise<void>;
}

export interface MultipartOptions {
  readonly contentType?: string;
  readonly customMetadata?: Readonly<Record<string, string>>;
}

/** What a node calls: R2's model with coded errors and the same rules on every provider. */
export interface R2Api {
  head(key: string): Promise<BlobObject | null>;
  get(key: string, options?: { readonly range?: BlobRangeRequest }): Promise<BlobObjectBody | null>;
  /** The stored object, or null when `onlyIf` was not met (nothing written). */
  put(key: string, value: BlobInput, options?: BlobPutOptions): Promise<BlobObject | null>;
  /** Deletes one key or many; missing keys are fine. */
  delete(keys: string | readonly string[]): Promise<void>;
  list(options?: BlobListOptions): Promise<BlobListResult>;
  createMultipartUpload(key: string, options?: MultipartOptions): Promise<MultipartUpload>;
  resumeMultipartUpload(key: string, uploadId: string): MultipartUpload;
}

/** What a provider implements; arguments arrive checked, ranges resolved against nothing yet. */
export interface R2Provider {
  head(key: string): Promise<BlobObject | null>;
  get(key: string, range: BlobRangeRequest | undefined): Promise<BlobObjectBody | null>;
  put(key: string, value: BlobInput, options: BlobPutOptions): Promise<BlobObject | null>;
  delete(keys: readonly string[]): Promise<void>;
  list(options: {
    readonly prefix?: string;
    readonly delimiter?: string;
    readonly cursor?: string;
    readonly limit: number;
  }): Promise<BlobListResult>;
  createMultipartUpload(key: string, options: MultipartOptions): Promise<MultipartUpload>;
  resumeMultipartUpload(key: string, uploadId: string): MultipartUpload;
}
