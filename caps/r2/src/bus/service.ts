import { CapError, toCapError } from "@flows/caps";
import type {
  BlobListOptions,
  BlobPutOptions,
  BlobRangeRequest,
  MultipartOptions,
  R2Provider,
  UploadedPart,
} from "../api";
import { createR2Api } from "../bind";
import { createInbound, type Inbound } from "./inbound";
import { bodyLimits, MAX_WINDOW, type R2BusBodyOptions } from "./limits";
import { createOutbound, type Outbound } from "./outbound";
import { createStreamTable } from "./stream-table";
import { decodeBytes, encodeBytes, listingToWire, objectToWire, paramsOf, seqOf, streamIdOf } from "./wire";

export interface R2BusServiceOptions extends R2BusBodyOptions {
  /** A body stream nobody touches for this long is closed (default 30 s). */
  readonly idleMs?: number;
  /** Body streams held at once (default 64). */
  readonly maxStreams?: number;
  readonly maxFrameBytes?: number;
}

type Handler = (params: unknown) => unknown;

/**
 * The Worker side of r2 on the bus. Every call goes through the R2 API, so the Worker checks
 * keys, ranges and metadata itself whatever the container sent. Bodies above `inlineBytes`
 * travel as streams of chunk frames: downloads pulled with `bodyRead`, uploads pushed with
 * `bodyChunk` after `bodyOpen`; both need the same service instance for all calls of a
 * container (it holds the streams).
 */
export function createR2BusService(provider: R2Provider, options: R2BusServiceOptions = {}) {
  const r2 = createR2Api(provider);
  const { chunkBytes, inlineBytes } = bodyLimits(options, options.maxFrameBytes);
  const table = createStreamTable({ idleMs: options.idleMs ?? 30_000, maxStreams: options.maxStreams ?? 64 });

  /** The body a small put or part carries in its own frame. */
  const inlineData = (value: Readonly<Record<string, unknown>>) => decodeBytes(value.data, "data");

  /** Starts an upload operation reading from a new inbound stream; its outcome ends the stream. */
  const openUpload = (run: (body: ReadableStream<Uint8Array>) => Promise<unknown>) => {
    const { id, held } = table.open(() => createInbound({ window: MAX_WINDOW }));
    run(held.stream).then(
      (result) => {
        held.settle({ result });
        table.finish(id, { result });
      },
      (error: unknown) => {
        const failure = toCapError(error, "r2.upload");
        held.settle({ error: failure });
        table.finish(id, { error: failure });
      },
    );
    return { stream: id };
  };

  const handlers: Readonly<Record<string, Handler>> = {
    head: async (params) => {
      const found = await r2.head(paramsOf(params, "head").key as string);
      return found === null ? null : objectToWire(found);
    },
    get: async (params) => {
      const p = paramsOf(params, "get");
      const object = await r2.get(
        p.key as string,
        p.range === undefined || p.range === null ? {} : { range: p.range as BlobRangeRequest },
      );
      if (object === null) return null;
      const head = { object: objectToWire(object), range: object.range };
      if (object.range.length <= inlineBytes) return { ...head, data: encodeBytes(await object.bytes()) };
      const { id } = table.open(() =>
        createOutbound(object.body, object.range.length, { chunkBytes, window: MAX_WINDOW }),
      );
      return { ...head, stream: id, chunkBytes };
    },
    put: async (params) => {
      const p = paramsOf(params, "put");
      const stored = await r2.put(p.key as string, inlineData(p), (p.options ?? {}) as BlobPutOptions);
      return stored === null ? null : objectToWire(stored);
    },
    delete: async (params) => {
      await r2.delete(paramsOf(params, "delete").keys as string[]);
      return null;
    },
    list: async (params) => listingToWire(await r2.list((params ?? {}) as BlobListOptions)),
    createMultipartUpload: async (params) => {
      const p = paramsOf(params, "createMultipartUpload");
      const upload = await r2.createMultipartUpload(p.key as string, (p.options ?? {}) as MultipartOptions);
      return { key: upload.key, uploadId: upload.uploadId };
    },
    uploadPart: (params) => {
      const p = paramsOf(params, "uploadPart");
      return r2
        .resumeMultipartUpload(p.key as string, p.uploadId as string)
        .uploadPart(p.partNumber as number, inlineData(p));
    },
    completeMultipartUpload: async (params) => {
      const p = paramsOf(params, "completeMultipartUpload");
      if (!Array.isArray(p.parts)) throw new CapError("CAP400", "complete needs the uploaded parts", {});
      const upload = r2.resumeMultipartUpload(p.key as string, p.uploadId as string);
      return objectToWire(await upload.complete(p.parts as UploadedPart[]));
    },
    abortMultipartUpload: async (params) => {
      const p = paramsOf(params, "abortMultipartUpload");
      await r2.resumeMultipartUpload(p.key as string, p.uploadId as string).abort();
      return null;
    },
    /** Opens an upload body: `{ op: "put", key, options }` or `{ op: "uploadPart", key, uploadId, partNumber, size? }`. */
    bodyOpen: (params) => {
      const p = paramsOf(params, "bodyOpen");
      if (p.op === "put") {
        return openUpload(async (body) => {
          const stored = await r2.put(p.key as string, body, (p.options ?? {}) as BlobPutOptions);
          return stored === null ? null : objectToWire(stored);
        });
      }
      if (p.op === "uploadPart") {
        // Checked before the stream opens, so a bad upload id is refused here, not at the first chunk.
        const upload = r2.resumeMultipartUpload(p.key as string, p.uploadId as string);
        const size = typeof p.size === "number" ? { size: p.size } : undefined;
        return openUpload((body) => upload.uploadPart(p.partNumber as number, body, size));
      }
      throw new CapError("CAP400", 'bodyOpen needs op "put" or "uploadPart"', { op: p.op });
    },
    /** One chunk of an upload body, or its end (`end: true`); answered once the operation took it. */
    bodyChunk: (params) => {
      const p = paramsOf(params, "bodyChunk");
      const id = streamIdOf(p);
      const seq = seqOf(p);
      const held = table.use(id) as Inbound | undefined;
      if (held === undefined || !("settle" in held)) {
        const outcome = table.outcome(id);
        if (outcome === undefined) throw unknownStream(id);
        if ("error" in outcome) throw outcome.error;
        return { more: false, result: outcome.result };
      }
      return held.chunk(seq, p.end === true ? undefined : decodeBytes(p.data, "a body chunk's data"));
    },
    /** The next `chunkBytes` of a download body. */
    bodyRead: async (params) => {
      const p = paramsOf(params, "bodyRead");
      const id = streamIdOf(p);
      const held = table.use(id) as Outbound | undefined;
      if (held === undefined || !("read" in held)) throw unknownStream(id);
      try {
        const chunk = await held.read(seqOf(p));
        if (chunk.done) table.drop(id);
        return { data: encodeBytes(chunk.data), done: chunk.done };
      } catch (error) {
        const failure = toCapError(error, "r2.get");
        table.drop(id)?.close(failure);
        throw failure;
      }
    },
    /** The container no longer wants a body (either way): the Worker lets go of it now. */
    bodyCancel: (params) => {
      const id = streamIdOf(paramsOf(params, "bodyCancel"));
      table.drop(id)?.close(new CapError("CAP500", `body stream ${id} was cancelled by the container`, { stream: id }));
      return null;
    },
  };

  return {
    handlers,
    /** Body streams held now (in progress either way). */
    get openStreams(): number {
      return table.size;
    },
    /** Lets go of every stream, e.g. when the container's channel closed. */
    close(): void {
      table.closeAll(new CapError("CAP503", "the container's bus channel closed", {}, true));
    },
  };
}

const unknownStream = (id: string) =>
  new CapError("CAP404", `body stream ${id} does not exist (finished, cancelled or idle too long)`, { stream: id });

/** The Worker side as bus handlers: `{ r2: r2BusHandlers(provider) }` in the dispatcher's handlers. */
export function r2BusHandlers(
  provider: R2Provider,
  options: R2BusServiceOptions = {},
): Readonly<Record<string, Handler>> {
  return createR2BusService(provider, options).handlers;
}
