import { createR2Api, type R2Provider } from "@flows/cap-r2";
import { createBusR2Provider, createR2BusService } from "@flows/cap-r2/bus";
import { createOpendalR2Provider } from "@flows/cap-r2/opendal";
import { createBusClient, createBusDispatcher, DEFAULT_MAX_FRAME_BYTES } from "@flows/caps/bus";
import fc from "fast-check";
import { Operator } from "opendal";
import { describe, expect, it } from "vitest";
import { pattern, r2Conformance, sameBytes } from "./r2.conformance";
import { sleep } from "./support";

const MiB = 1024 * 1024;

/** A stream of `total` pattern bytes in `chunk` pieces; `fail` after that many bytes, if set. */
function source(total: number, chunk: number, fail?: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (fail !== undefined && sent >= fail) {
        controller.error(new Error("the source broke"));
        return;
      }
      const size = Math.min(chunk, total - sent);
      controller.enqueue(pattern(size, sent));
      sent += size;
      if (sent >= total) controller.close();
    },
  });
}

/**
 * Container-side provider and Worker-side service joined by lines, as over any transport: each
 * frame is encoded, measured and parsed again. Records the largest line each way and the most
 * body chunks ever unanswered at once.
 */
function r2OverBus(provider: R2Provider, options: Parameters<typeof createR2BusService>[1] = {}) {
  const service = createR2BusService(provider, options);
  const dispatcher = createBusDispatcher({ handlers: { r2: service.handlers }, allowed: new Set(["r2"]) });
  const stats = { largestRequest: 0, largestAnswer: 0, chunksUnanswered: 0, mostChunksUnanswered: 0, frames: 0 };
  const client = createBusClient({
    send: (line) => {
      stats.frames += 1;
      stats.largestRequest = Math.max(stats.largestRequest, Buffer.byteLength(line));
      const chunk = line.includes('"method":"r2.bodyChunk"');
      if (chunk) {
        stats.chunksUnanswered += 1;
        stats.mostChunksUnanswered = Math.max(stats.mostChunksUnanswered, stats.chunksUnanswered);
      }
      void dispatcher.handle(line.trimEnd()).then((answer) => {
        if (chunk) stats.chunksUnanswered -= 1;
        if (answer === undefined) return;
        stats.largestAnswer = Math.max(stats.largestAnswer, Buffer.byteLength(answer));
        client.receive(answer.trimEnd());
      });
    },
  });
  return { r2: createR2Api(createBusR2Provider(client)), provider: createBusR2Provider(client), service, stats };
}

r2Conformance("bus → opendal.memory", () => r2OverBus(createOpendalR2Provider(new Operator("memory", {}))).provider);

/** An OpenDAL memory provider whose download bodies report being cancelled. */
function watchedProvider() {
  const inner = createOpendalR2Provider(new Operator("memory", {}));
  const watch = { cancelled: 0, bodies: 0 };
  const provider: R2Provider = {
    ...inner,
    get: async (key, range) => {
      const object = await inner.get(key, range);
      if (object === null) return null;
      return {
        ...object,
        get body() {
          watch.bodies += 1;
          const reader = object.body.getReader();
          return new ReadableStream<Uint8Array>({
            pull: async (controller) => {
              const next = await reader.read();
              if (next.done) controller.close();
              else controller.enqueue(next.value);
            },
            cancel: (reason) => {
              watch.cancelled += 1;
              return reader.cancel(reason);
            },
          });
        },
      };
    },
  };
  return { provider, watch };
}

describe("r2 over the host command bus: bodies outside the frame", () => {
  it("round-trips 8 MiB both ways with every frame under the 1 MiB cap", async () => {
    const { r2, service, stats } = r2OverBus(createOpendalR2Provider(new Operator("memory", {})));
    const total = 8 * MiB + 7;
    const stored = await r2.put("big/streamed", source(total, 300 * 1024), { size: total });
    expect(stored?.size).toBe(total);
    const fromBytes = await r2.put("big/bytes", pattern(total));
    expect(fromBytes?.etag).toBe(stored?.etag);
    const object = await r2.get("big/streamed");
    expect(object?.range).toEqual({ offset: 0, length: total });
    expect(sameBytes(await object?.bytes(), pattern(total))).toBe(true);
    expect(sameBytes(await (await r2.get("big/bytes"))?.bytes(), pattern(total))).toBe(true);
    expect(stats.largestRequest).toBeLessThan(DEFAULT_MAX_FRAME_BYTES);
    expect(stats.largestAnswer).toBeLessThan(DEFAULT_MAX_FRAME_BYTES);
    // 8 MiB in 256 KiB chunks, with no more than the window of 4 unanswered at once (plus the
    // end marker, which carries no bytes).
    expect(stats.frames).toBeGreaterThan(4 * 32);
    expect(stats.mostChunksUnanswered).toBeLessThanOrEqual(5);
    expect(service.openStreams).toBe(0);
  });

  it("serves ranges of a large object, streamed or inline, and CAP416 past the end", async () => {
    const { r2, service } = r2OverBus(createOpendalR2Provider(new Operator("memory", {})));
    const total = 3 * MiB;
    await r2.put("ranged", pattern(total));
    const middle = await r2.get("ranged", { range: { offset: MiB - 5, length: MiB + 10 } });
    expect(middle?.range).toEqual({ offset: MiB - 5, length: MiB + 10 });
    expect(sameBytes(await middle?.bytes(), pattern(MiB + 10, MiB - 5))).toBe(true);
    const small = await r2.get("ranged", { range: { suffix: 100 } });
    expect(small?.range).toEqual({ offset: total - 100, length: 100 });
    expect(sameBytes(await small?.bytes(), pattern(100, total - 100))).toBe(true);
    const reader = (await r2.get("ranged", { range: { offset: 2 * MiB } }))?.body.getReader();
    let read = 0;
    for (let next = await reader?.read(); next && !next.done; next = await reader?.read()) {
      expect(sameBytes(next.value, pattern(next.value.byteLength, 2 * MiB + read))).toBe(true);
      read += next.value.byteLength;
    }
    expect(read).toBe(MiB);
    await expect(r2.get("ranged", { range: { offset: total } })).rejects.toMatchObject({ code: "CAP416" });
    expect(service.openStreams).toBe(0);
  });

  it("uploads multipart parts as body streams and assembles them", async () => {
    const { r2, stats, service } = r2OverBus(createOpendalR2Provider(new Operator("memory", {})));
    const upload = await r2.createMultipartUpload("multi", { contentType: "application/octet-stream" });
    const first = await upload.uploadPart(1, pattern(5 * MiB));
    const second = await r2
      .resumeMultipartUpload("multi", upload.uploadId)
      .uploadPart(2, source(MiB + 1, 100_000, undefined), { size: MiB + 1 });
    const object = await upload.complete([second, first]);
    expect(object).toMatchObject({ key: "multi", size: 6 * MiB + 1 });
    expect(object.etag).toMatch(/^[0-9a-f]{32}-2$/);
    const whole = await (await r2.get("multi"))?.bytes();
    expect(sameBytes(whole?.subarray(0, 5 * MiB), pattern(5 * MiB))).toBe(true);
    expect(sameBytes(whole?.subarray(5 * MiB), pattern(MiB + 1))).toBe(true);
    expect(stats.largestRequest).toBeLessThan(DEFAULT_MAX_FRAME_BYTES);
    await expect(upload.complete([first, second])).rejects.toMatchObject({ code: "CAP404" });
    expect(service.openStreams).toBe(0);
  });

  it("releases a download cancelled midway, on both sides", async () => {
    const { provider, watch } = watchedProvider();
    const { r2, service } = r2OverBus(provider);
    await r2.put("cancel/me", pattern(4 * MiB));
    const object = await r2.get("cancel/me");
    expect(service.openStreams).toBe(1);
    const reader = object?.body.getReader();
    const first = await reader?.read();
    expect(first?.value?.byteLength).toBe(256 * 1024);
    await reader?.cancel();
    await sleep(20);
    expect(service.openStreams).toBe(0);
    expect(watch.cancelled).toBe(1);
    // The bus is still fine for the next call.
    expect((await r2.head("cancel/me"))?.size).toBe(4 * MiB);
  });

  it("stores nothing when an upload's source fails midway, and frees the Worker's stream", async () => {
    const { r2, service } = r2OverBus(createOpendalR2Provider(new Operator("memory", {})));
    await expect(r2.put("broken", source(4 * MiB, 256 * 1024, 2 * MiB))).rejects.toMatchObject({
      code: "CAP500",
      message: expect.stringContaining("the source broke"),
    });
    await sleep(20);
    expect(service.openStreams).toBe(0);
    expect(await r2.head("broken")).toBeNull();
  });

  it("stops reading a streamed value once a conditional put is refused", async () => {
    const { r2, service } = r2OverBus(createOpendalR2Provider(new Operator("memory", {})));
    await r2.put("exists", "v1");
    let pulled = 0;
    const total = 16 * MiB;
    const lazy = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(pattern(256 * 1024));
        pulled += 256 * 1024;
        if (pulled >= total) controller.close();
      },
    });
    expect(await r2.put("exists", lazy, { onlyIf: { etagDoesNotMatch: "*" } })).toBeNull();
    expect(pulled).toBeLessThan(2 * MiB);
    expect(await (await r2.get("exists"))?.text()).toBe("v1");
    expect(service.openStreams).toBe(0);
  });

  it("drops a download nobody reads once it is idle", async () => {
    const { provider, watch } = watchedProvider();
    const { r2, service } = r2OverBus(provider, { idleMs: 50 });
    await r2.put("idle", pattern(2 * MiB));
    const object = await r2.get("idle");
    expect(service.openStreams).toBe(1);
    await sleep(150);
    expect(service.openStreams).toBe(0);
    expect(watch.cancelled).toBe(1);
    await expect(object?.bytes()).rejects.toMatchObject({ code: "CAP404" });
  });

  it("keeps the Worker's error codes and details, and refuses malformed body frames with codes", async () => {
    const { r2, service } = r2OverBus(createOpendalR2Provider(new Operator("memory", {})));
    const handlers = service.handlers;
    await expect(r2.resumeMultipartUpload("k", "not-an-upload").complete([])).rejects.toMatchObject({
      code: "CAP404",
      details: { key: "k", uploadId: "not-an-upload" },
    });
    const call = (method: string, params: unknown) => Promise.resolve().then(() => handlers[method]?.(params));
    await expect(call("bodyChunk", { stream: "nope", seq: 0, data: "" })).rejects.toMatchObject({ code: "CAP404" });
    await expect(call("bodyRead", { stream: "nope", seq: 0 })).rejects.toMatchObject({ code: "CAP404" });
    await expect(call("bodyRead", "not an object")).rejects.toMatchObject({ code: "CAP400" });
    await expect(call("bodyOpen", { op: "rename" })).rejects.toMatchObject({ code: "CAP400" });
    const { stream } = (await call("bodyOpen", { op: "put", key: "frames", options: {} })) as { stream: string };
    await expect(call("bodyChunk", { stream, seq: 0, data: "not base64!" })).rejects.toMatchObject({
      code: "CAP400",
    });
    await expect(call("bodyChunk", { stream, seq: 1000, data: "" })).rejects.toMatchObject({ code: "CAP400" });
    await expect(call("bodyChunk", { stream, seq: -1, data: "" })).rejects.toMatchObject({ code: "CAP400" });
    await expect(call("put", { key: "../up", data: "" })).rejects.toMatchObject({ code: "CAP400" });
    await call("bodyCancel", { stream });
    expect(service.openStreams).toBe(0);
    // A capability the flow did not declare is refused by the dispatcher before any handler.
    const dispatcher = createBusDispatcher({ handlers: { r2: handlers }, allowed: new Set(["kv"]) });
    const answer = JSON.parse((await dispatcher.handle('{"id":"1","method":"r2.head","params":{"key":"k"}}')) ?? "");
    expect(answer.error.code).toBe("CAP403");
  });
});

describe("r2 over the host command bus: malformed calls", () => {
  it("answers any params to any r2 method promptly, with a result or a code", async () => {
    // Uploads opened and never fed hold their key's lock until they idle out: keep that short.
    const { service } = r2OverBus(createOpendalR2Provider(new Operator("memory", {})), {
      maxStreams: 1_000,
      idleMs: 100,
    });
    const dispatcher = createBusDispatcher({ handlers: { r2: service.handlers }, allowed: new Set(["r2"]) });
    const methods = Object.keys(service.handlers);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...methods),
        fc.oneof(
          fc.jsonValue(),
          fc.record(
            {
              key: fc.oneof(fc.string(), fc.constant("ok/key")),
              keys: fc.jsonValue(),
              range: fc.jsonValue(),
              data: fc.oneof(fc.string(), fc.base64String()),
              stream: fc.string(),
              seq: fc.oneof(fc.integer(), fc.double()),
              op: fc.constantFrom("put", "uploadPart", "x"),
              uploadId: fc.string(),
              partNumber: fc.jsonValue(),
              parts: fc.jsonValue(),
              options: fc.jsonValue(),
            },
            { requiredKeys: [] },
          ),
        ),
        async (method, params) => {
          const line = JSON.stringify({ id: "f", method: `r2.${method}`, params });
          const answer = await Promise.race([dispatcher.handle(line), sleep(2_000).then(() => "hung")]);
          expect(answer, line).not.toBe("hung");
          const frame = JSON.parse(answer ?? "{}") as { result?: unknown; error?: { code: string } };
          if (frame.error !== undefined) expect(frame.error.code, line).toMatch(/^(CAP|BUS)\d{3}$/);
        },
      ),
      { numRuns: 1_500 },
    );
    service.close();
    expect(service.openStreams).toBe(0);
  });
});
