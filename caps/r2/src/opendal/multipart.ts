import { createHash } from "node:crypto";
import { CapError } from "@flows/caps";
import { isNotFound } from "@flows/caps/opendal";
import type { Operator } from "opendal";
import type { BlobInput, BlobObject, MultipartOptions, MultipartUpload, UploadedPart } from "../api";
import { inputChunks } from "../body";
import { R2_LIMITS } from "../limits";
import { multipartEtag } from "./md5";
import type { ObjectStore } from "./object-store";

interface UploadRecord extends MultipartOptions {
  readonly key: string;
}

interface PartRecord {
  readonly etag: string;
  readonly size: number;
}

const CHUNK = 1024 * 1024;

/**
 * Multipart uploads as R2 runs them: parts are kept under `base/<uploadId>/` until `complete`
 * checks them (present, matching etags, every part but the last at least 5 MiB and all of
 * those equal) and streams them, in part order, into one object; `abort` drops them.
 */
export function createMultipart(operator: Operator, store: ObjectStore, base: string) {
  const folder = (uploadId: string) => `${base}${uploadId}/`;
  const readJson = async <T>(path: string): Promise<T | undefined> => {
    try {
      return JSON.parse((await operator.read(path)).toString("utf8")) as T;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };
  const upload = async (key: string, uploadId: string): Promise<UploadRecord> => {
    const record = await readJson<UploadRecord>(`${folder(uploadId)}upload.json`);
    if (record === undefined || record.key !== key) {
      throw new CapError(
        "CAP404",
        `multipart upload "${uploadId}" of "${key}" does not exist (completed or aborted?)`,
        {
          key,
          uploadId,
        },
      );
    }
    return record;
  };
  async function* partChunks(uploadId: string, partNumber: number, size: number): AsyncGenerator<Uint8Array> {
    for (let offset = 0; offset < size; offset += CHUNK) {
      const buffer = await operator.read(`${folder(uploadId)}${partNumber}`, {
        offset: BigInt(offset),
        size: BigInt(Math.min(CHUNK, size - offset)),
      });
      yield new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    }
  }

  const handle = (key: string, uploadId: string): MultipartUpload => ({
    key,
    uploadId,
    async uploadPart(partNumber: number, value: BlobInput): Promise<UploadedPart> {
      await upload(key, uploadId);
      const hash = createHash("md5");
      let size = 0;
      const writer = await operator.writer(`${folder(uploadId)}${partNumber}`);
      for await (const chunk of inputChunks(value)) {
        hash.update(chunk);
        size += chunk.byteLength;
        await writer.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      }
      await writer.close();
      const part: PartRecord = { etag: hash.digest("hex"), size };
      await operator.write(`${folder(uploadId)}${partNumber}.json`, JSON.stringify(part));
      return { partNumber, etag: part.etag };
    },
    async complete(parts: readonly UploadedPart[]): Promise<BlobObject> {
      const record = await upload(key, uploadId);
      const ordered = [...parts].sort((a, b) => a.partNumber - b.partNumber);
      if (ordered.length === 0 || new Set(ordered.map((p) => p.partNumber)).size !== ordered.length) {
        throw new CapError("CAP400", "complete needs each uploaded part once", { key, uploadId });
      }
      const stored: PartRecord[] = [];
      for (const part of ordered) {
        const found = await readJson<PartRecord>(`${folder(uploadId)}${part.partNumber}.json`);
        if (found === undefined || found.etag !== part.etag) {
          throw new CapError("CAP400", `part ${part.partNumber} of "${key}" was not uploaded with that etag`, {
            key,
            uploadId,
            partNumber: part.partNumber,
          });
        }
        stored.push(found);
      }
      const leading = stored.slice(0, -1);
      const firstSize = leading[0]?.size;
      if (leading.some((part) => part.size < R2_LIMITS.minPartBytes || part.size !== firstSize)) {
        throw new CapError(
          "CAP400",
          `every part of "${key}" but the last must be at least ${R2_LIMITS.minPartBytes} bytes, and all of them the same size`,
          { key, uploadId, sizes: stored.map((part) => part.size) },
        );
      }
      async function* all(): AsyncGenerator<Uint8Array> {
        for (const [index, part] of ordered.entries()) {
          yield* partChunks(uploadId, part.partNumber, stored[index]?.size ?? 0);
        }
      }
      const written = await store.write(
        key,
        all(),
        {
          ...(record.contentType === undefined ? {} : { contentType: record.contentType }),
          customMetadata: record.customMetadata ?? {},
        },
        multipartEtag(stored.map((part) => part.etag)),
      );
      await operator.removeAll(folder(uploadId));
      return written;
    },
    async abort() {
      await operator.removeAll(folder(uploadId));
    },
  });

  return {
    async create(key: string, options: MultipartOptions): Promise<MultipartUpload> {
      const uploadId = crypto.randomUUID();
      const record: UploadRecord = { key, ...options };
      await operator.write(`${folder(uploadId)}upload.json`, JSON.stringify(record));
      return handle(key, uploadId);
    },
    resume: handle,
  };
}
