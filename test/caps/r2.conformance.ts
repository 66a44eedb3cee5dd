import { createR2Api, type R2Api, type R2Provider } from "@flows/cap-r2";
import { describe, expect, it } from "vitest";
import { uniquePrefix } from "./support";

const MiB = 1024 * 1024;
const text = (value: string) => new TextEncoder().encode(value);

/** A stream that hands out `total` bytes in `chunk`-sized pieces, generated as it is read. */
function patternStream(total: number, chunk: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const size = Math.min(chunk, total - sent);
      const piece = new Uint8Array(size);
      for (let i = 0; i < size; i += 1) piece[i] = (sent + i) % 251;
      sent += size;
      controller.enqueue(piece);
      if (sent >= total) controller.close();
    },
  });
}

/** `total` bytes of a pattern that repeats every 251 bytes, starting at position `from`. */
export function pattern(total: number, from = 0): Uint8Array {
  const out = new Uint8Array(total);
  for (let i = 0; i < total; i += 1) out[i] = (from + i) % 251;
  return out;
}

/** Byte-wise equality; deep equality of megabyte arrays is far too slow in expect(). */
export function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  if (a === undefined || a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/** Reads a stream chunk by chunk, counting chunks, without helpers. */
async function drain(stream: ReadableStream<Uint8Array>): Promise<{ bytes: Uint8Array; chunks: number }> {
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
  }
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.byteLength;
  }
  return { bytes, chunks: parts.length };
}

/**
 * The R2 contract. Every provider (OpenDAL memory and fs, the real binding in workerd) runs
 * these same assertions through the capability API.
 */
export function r2Conformance(name: string, makeProvider: () => R2Provider | Promise<R2Provider>): void {
  describe(`r2 conformance: ${name}`, () => {
    const setup = async (): Promise<{ r2: R2Api; ns: string }> => ({
      r2: createR2Api(await makeProvider()),
      ns: uniquePrefix("r2"),
    });

    it("stores objects with content type and custom metadata, and reads them back", async () => {
      const { r2, ns } = await setup();
      const stored = await r2.put(`${ns}hello.txt`, "hello world", {
        contentType: "text/plain",
        customMetadata: { owner: "ops", "x-note": "ünï" },
      });
      expect(stored).toMatchObject({ key: `${ns}hello.txt`, size: 11, contentType: "text/plain" });
      expect(stored?.etag).toMatch(/^[0-9a-f]{32}$/);
      const head = await r2.head(`${ns}hello.txt`);
      expect(head).toMatchObject({
        key: `${ns}hello.txt`,
        size: 11,
        etag: stored?.etag,
        contentType: "text/plain",
        customMetadata: { owner: "ops", "x-note": "ünï" },
      });
      expect(head?.uploaded).toBeInstanceOf(Date);
      const object = await r2.get(`${ns}hello.txt`);
      expect(object?.range).toEqual({ offset: 0, length: 11 });
      expect(await object?.text()).toBe("hello world");
      await r2.put(`${ns}data.json`, new Uint8Array(text('{"a":[1,2]}')));
      expect(await (await r2.get(`${ns}data.json`))?.json()).toEqual({ a: [1, 2] });
      const buffer = new Uint8Array([0, 255, 7]).buffer;
      await r2.put(`${ns}raw`, buffer);
      expect(await (await r2.get(`${ns}raw`))?.bytes()).toEqual(new Uint8Array([0, 255, 7]));
      expect((await r2.head(`${ns}raw`))?.customMetadata).toEqual({});
    });

    it("reads missing objects as null", async () => {
      const { r2, ns } = await setup();
      expect(await r2.head(`${ns}missing`)).toBeNull();
      expect(await r2.get(`${ns}missing`)).toBeNull();
      expect(await r2.get(`${ns}missing`, { range: { offset: 5 } })).toBeNull();
    });

    it("serves ranges as R2 does: clipped lengths, suffixes, and CAP416 past the end", async () => {
      const { r2, ns } = await setup();
      const key = `${ns}o`;
      await r2.put(key, "hello world");
      const read = async (range: Parameters<R2Api["get"]>[1]) => {
        const object = await r2.get(key, range);
        return [await object?.text(), object?.range];
      };
      expect(await read({ range: { offset: 6, length: 5 } })).toEqual(["world", { offset: 6, length: 5 }]);
      expect(await read({ range: { offset: 9 } })).toEqual(["ld", { offset: 9, length: 2 }]);
      expect(await read({ range: { suffix: 3 } })).toEqual(["rld", { offset: 8, length: 3 }]);
      expect(await read({ range: { offset: 6, length: 100 } })).toEqual(["world", { offset: 6, length: 5 }]);
      expect(await read({ range: { suffix: 100 } })).toEqual(["hello world", { offset: 0, length: 11 }]);
      await expect(r2.get(key, { range: { offset: 11 } })).rejects.toMatchObject({ code: "CAP416" });
      await expect(r2.get(key, { range: { offset: 2, length: 0 } })).rejects.toMatchObject({ code: "CAP416" });
      await expect(r2.get(key, { range: { offset: -1 } })).rejects.toMatchObject({ code: "CAP400" });
      await expect(r2.get(key, { range: { suffix: 0 } })).rejects.toMatchObject({ code: "CAP400" });
    });

    it("puts conditionally on the stored etag, returning null and writing nothing when unmet", async () => {
      const { r2, ns } = await setup();
      const key = `${ns}c`;
      expect(await r2.put(key, "v1", { onlyIf: { etagMatches: "*" } })).toBeNull();
      expect(await r2.head(key)).toBeNull();
      const first = await r2.put(key, "v1", { onlyIf: { etagDoesNotMatch: "*" } });
      expect(first?.etag).toBeDefined();
      expect(await r2.put(key, "v2", { onlyIf: { etagDoesNotMatch: "*" } })).toBeNull();
      expect(await r2.put(key, "v2", { onlyIf: { etagMatches: "0".repeat(32) } })).toBeNull();
      expect(await (await r2.get(key))?.text()).toBe("v1");
      // Quoted etags (as in HTTP headers) are accepted too.
      const second = await r2.put(key, "v2", { onlyIf: { etagMatches: `"${first?.etag}"` } });
      expect(second?.etag).not.toBe(first?.etag);
      expect(await r2.put(key, "v3", { onlyIf: { etagDoesNotMatch: first?.etag ?? "" } })).not.toBeNull();
      expect(await (await r2.get(key))?.text()).toBe("v3");
      // The same content has the same etag.
      expect((await r2.put(`${ns}twin`, "v3"))?.etag).toBe((await r2.head(key))?.etag);
    });

    it("deletes one key or many, missing ones included", async () => {
      const { r2, ns } = await setup();
      await r2.put(`${ns}a`, "1");
      await r2.put(`${ns}b`, "2");
      await r2.put(`${ns}c`, "3");
      await r2.delete(`${ns}a`);
      await r2.delete([`${ns}b`, `${ns}c`, `${ns}never`]);
      expect(await r2.head(`${ns}a`)).toBeNull();
      expect((await r2.list({ prefix: ns })).objects).toEqual([]);
    });

    it("lists by prefix and delimiter, with metadata", async () => {
      const { r2, ns } = await setup();
      for (const key of ["d/a", "d/b/c", "d/b/d", "d/e", "d/f/g", "other"]) {
        await r2.put(`${ns}${key}`, key, { contentType: "text/plain", customMetadata: { k: key } });
      }
      const listing = await r2.list({ prefix: `${ns}d/`, delimiter: "/" });
      expect(listing.objects.map((o) => o.key)).toEqual([`${ns}d/a`, `${ns}d/e`]);
      expect(listing.delimitedPrefixes).toEqual([`${ns}d/b/`, `${ns}d/f/`]);
      expect(listing.truncated).toBe(false);
      expect(listing.objects[0]).toMatchObject({ size: 3, contentType: "text/plain", customMetadata: { k: "d/a" } });
      const flat = await r2.list({ prefix: `${ns}d/` });
      expect(flat.objects.map((o) => o.key.slice(ns.length))).toEqual(["d/a", "d/b/c", "d/b/d", "d/e", "d/f/g"]);
    });

    it("pages through listings with limit and cursor, visiting each entry once", async () => {
      const { r2, ns } = await setup();
      for (const key of ["a", "b/1", "b/2", "c", "d/1", "e", "f"]) await r2.put(`${ns}${key}`, key);
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 10; pages += 1) {
        const page = await r2.list({ prefix: ns, delimiter: "/", limit: 2, ...(cursor ? { cursor } : {}) });
        seen.push(
          ...page.objects.map((o) => o.key.slice(ns.length)),
          ...page.delimitedPrefixes.map((p) => p.slice(ns.length)),
        );
        if (!page.truncated) break;
        cursor = page.cursor;
      }
      expect(seen.sort()).toEqual(["a", "b/", "c", "d/", "e", "f"]);
    });

    it("streams large bodies both ways", async () => {
      const { r2, ns } = await setup();
      const total = 3 * MiB + 123;
      const stored = await r2.put(`${ns}big`, patternStream(total, 64 * 1024), { size: total });
      expect(stored?.size).toBe(total);
      const object = await r2.get(`${ns}big`);
      const { bytes, chunks } = await drain(object?.body ?? new ReadableStream());
      expect(bytes.byteLength).toBe(total);
      expect(sameBytes(bytes, pattern(total))).toBe(true);
      expect(chunks).toBeGreaterThan(1);
      const tail = await r2.get(`${ns}big`, { range: { offset: 2 * MiB, length: MiB } });
      expect(sameBytes(await tail?.bytes(), pattern(MiB, 2 * MiB))).toBe(true);
      // A stream of unknown length is accepted too.
      expect((await r2.put(`${ns}unsized`, patternStream(1000, 100)))?.size).toBe(1000);
    });

    it("assembles multipart uploads, resumable by id, with R2's etag form", async () => {
      const { r2, ns } = await setup();
      const key = `${ns}multi.bin`;
      const upload = await r2.createMultipartUpload(key, {
        contentType: "application/octet-stream",
        customMetadata: { p: "2" },
      });
      expect(upload.key).toBe(key);
      const first = await upload.uploadPart(1, pattern(5 * MiB));
      const resumed = r2.resumeMultipartUpload(key, upload.uploadId);
      const second = await resumed.uploadPart(2, patternStream(1000, 300), { size: 1000 });
      const object = await resumed.complete([second, first]);
      expect(object).toMatchObject({ key, size: 5 * MiB + 1000, contentType: "application/octet-stream" });
      expect(object.etag).toMatch(/^[0-9a-f]{32}-2$/);
      const head = await r2.head(key);
      expect(head).toMatchObject({ size: 5 * MiB + 1000, etag: object.etag, customMetadata: { p: "2" } });
      const seam = await r2.get(key, { range: { offset: 5 * MiB - 2, length: 4 } });
      expect(await seam?.bytes()).toEqual(new Uint8Array([...pattern(2, 5 * MiB - 2), ...pattern(2)]));
      await expect(resumed.complete([first, second])).rejects.toMatchObject({ code: "CAP404" });
    });

    it("refuses undersized parts, unknown parts and finished uploads", async () => {
      const { r2, ns } = await setup();
      const small = await r2.createMultipartUpload(`${ns}small`);
      const parts = [await small.uploadPart(1, "aaa"), await small.uploadPart(2, "bbb")];
      await expect(small.complete(parts)).rejects.toMatchObject({ code: "CAP400" });
      const wrong = await r2.createMultipartUpload(`${ns}wrong`);
      const part = await wrong.uploadPart(1, "x");
      await expect(wrong.complete([{ partNumber: 1, etag: "nope" }])).rejects.toMatchObject({ code: "CAP400" });
      await expect(wrong.uploadPart(0, "x")).rejects.toMatchObject({ code: "CAP400" });
      await wrong.abort();
      await expect(wrong.complete([part])).rejects.toMatchObject({ code: "CAP404" });
      expect(await r2.head(`${ns}wrong`)).toBeNull();
      const one = await r2.createMultipartUpload(`${ns}one`);
      // A single part may be any size.
      expect((await one.complete([await one.uploadPart(1, "xyz")])).size).toBe(3);
    });

    it("refuses bad keys with CAP400 and oversized metadata with CAP413, writing nothing", async () => {
      const { r2, ns } = await setup();
      for (const key of ["", "k".repeat(1025), "../escape", "/abs", "a/./b", "a/../b"]) {
        await expect(r2.put(key, "x")).rejects.toMatchObject({ code: "CAP400" });
        await expect(r2.get(key)).rejects.toMatchObject({ code: "CAP400" });
        await expect(r2.head(key)).rejects.toMatchObject({ code: "CAP400" });
        await expect(r2.delete(key)).rejects.toMatchObject({ code: "CAP400" });
        await expect(r2.createMultipartUpload(key)).rejects.toMatchObject({ code: "CAP400" });
      }
      const longest = ns + "k".repeat(1024 - ns.length);
      expect((await r2.put(longest, "ok"))?.key).toBe(longest);
      await expect(r2.put(`${ns}m`, "x", { customMetadata: { a: "x".repeat(3000) } })).rejects.toMatchObject({
        code: "CAP413",
      });
      await expect(r2.list({ prefix: ns, limit: 0 })).rejects.toMatchObject({ code: "CAP400" });
      expect((await r2.list({ prefix: ns })).objects.map((o) => o.key)).toEqual([longest]);
    });
  });
}
