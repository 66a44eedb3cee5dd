import { CapError } from "@flows/caps";
import { base64ToBytes, bytesToBase64 } from "@flows/caps/bus";
import type { BlobListResult, BlobObject } from "../api";

/** A BlobObject as JSON: the upload time as an ISO string. */
export interface WireObject {
  readonly key: string;
  readonly size: number;
  readonly etag: string;
  readonly uploaded: string;
  readonly contentType?: string;
  readonly customMetadata: Readonly<Record<string, string>>;
}

export const objectToWire = (object: BlobObject): WireObject => ({
  key: object.key,
  size: object.size,
  etag: object.etag,
  uploaded: object.uploaded.toISOString(),
  ...(object.contentType === undefined ? {} : { contentType: object.contentType }),
  customMetadata: object.customMetadata,
});

export const objectFromWire = (wire: WireObject): BlobObject => ({
  key: wire.key,
  size: wire.size,
  etag: wire.etag,
  uploaded: new Date(wire.uploaded),
  ...(wire.contentType === undefined ? {} : { contentType: wire.contentType }),
  customMetadata: wire.customMetadata ?? {},
});

export const listingToWire = (page: BlobListResult) => ({ ...page, objects: page.objects.map(objectToWire) });

export const listingFromWire = (page: BlobListResult & { objects: readonly WireObject[] }): BlobListResult => ({
  ...page,
  objects: page.objects.map(objectFromWire),
});

export const encodeBytes = bytesToBase64;

export function decodeBytes(data: unknown, what: string): Uint8Array {
  const bytes = typeof data === "string" ? base64ToBytes(data) : undefined;
  if (bytes === undefined) throw new CapError("CAP400", `${what} must be base64 text`, {});
  return bytes;
}

/** The fields of a request's params, refused with CAP400 when the params are not an object. */
export function paramsOf(params: unknown, method: string): Readonly<Record<string, unknown>> {
  if (params === null || typeof params !== "object" || Array.isArray(params)) {
    throw new CapError("CAP400", `r2.${method} needs an object of params`, { method });
  }
  return params as Record<string, unknown>;
}

export function streamIdOf(params: Readonly<Record<string, unknown>>): string {
  if (typeof params.stream !== "string" || params.stream === "") {
    throw new CapError("CAP400", 'a body chunk needs the "stream" id that opened it', {});
  }
  return params.stream;
}

export function seqOf(params: Readonly<Record<string, unknown>>): number {
  const seq = params.seq;
  if (typeof seq !== "number" || !Number.isInteger(seq) || seq < 0) {
    throw new CapError("CAP400", 'a body chunk needs a whole, non-negative "seq"', { seq });
  }
  return seq;
}
