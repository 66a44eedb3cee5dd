/**
 * The methods of a Workers `R2Bucket` this provider calls, declared structurally so the
 * provider compiles and runs anywhere without Workers ambient types. `binding-check.ts`
 * proves the real `R2Bucket` satisfies it.
 */
export interface R2ObjectLike {
  readonly key: string;
  readonly size: number;
  readonly etag: string;
  readonly uploaded: Date;
  readonly httpMetadata?: { contentType?: string };
  readonly customMetadata?: Record<string, string>;
  readonly range?: { offset?: number; length?: number } | { suffix: number };
}

export interface R2ObjectBodyLike extends R2ObjectLike {
  readonly body: ReadableStream<Uint8Array>;
  arrayBuffer(): Promise<ArrayBuffer>;
  text(): Promise<string>;
}

type R2Value = string | ArrayBuffer | ArrayBufferView | ReadableStream | null;

export interface R2MultipartUploadLike {
  readonly key: string;
  readonly uploadId: string;
  uploadPart(partNumber: number, value: Exclude<R2Value, null>): Promise<{ partNumber: number; etag: string }>;
  abort(): Promise<void>;
  complete(parts: { partNumber: number; etag: string }[]): Promise<R2ObjectLike>;
}

interface R2Options {
  httpMetadata?: { contentType?: string };
  customMetadata?: Record<string, string>;
}

export interface R2BucketLike {
  head(key: string): Promise<R2ObjectLike | null>;
  get(
    key: string,
    options?: { range?: { offset: number; length?: number } | { suffix: number } },
  ): Promise<R2ObjectBodyLike | null>;
  put(
    key: string,
    value: R2Value,
    options?: R2Options & { onlyIf?: { etagMatches?: string; etagDoesNotMatch?: string } },
  ): Promise<R2ObjectLike | null>;
  delete(keys: string | string[]): Promise<void>;
  list(options?: {
    prefix?: string;
    delimiter?: string;
    cursor?: string;
    limit?: number;
    include?: ("httpMetadata" | "customMetadata")[];
  }): Promise<
    { objects: R2ObjectLike[]; delimitedPrefixes: string[] } & (
      | { truncated: true; cursor: string }
      | { truncated: false }
    )
  >;
  createMultipartUpload(key: string, options?: R2Options): Promise<R2MultipartUploadLike>;
  resumeMultipartUpload(key: string, uploadId: string): R2MultipartUploadLike;
}
