import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKvApi } from "@flows/cap-kv";
import { createOpendalKvProvider } from "@flows/cap-kv/opendal";
import { createR2Api } from "@flows/cap-r2";
import { createOpendalR2Provider } from "@flows/cap-r2/opendal";
import { createOpendalTableStore, createOperator } from "@flows/caps/opendal";
import { Operator } from "opendal";
import { afterAll, describe, expect, it } from "vitest";

const roots: string[] = [];
const freshRoot = () => {
  const root = mkdtempSync(join(tmpdir(), "flows-layout-"));
  roots.push(root);
  return root;
};
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

describe("KV records on OpenDAL", () => {
  it("stores a value without metadata or expiry as one tag byte and the value", async () => {
    const root = freshRoot();
    const kv = createKvApi(createOpendalKvProvider(new Operator("fs", { root })));
    await kv.put("plain", "héllo");
    await kv.put("tagged", "v", { metadata: { a: 1 } });
    const plain = readFileSync(join(root, "kv", "plain"));
    expect([...plain]).toEqual([1, ...Buffer.from("héllo")]);
    // With metadata: the envelope (4-byte header length, JSON header, value).
    const tagged = readFileSync(join(root, "kv", "tagged"));
    expect(tagged.readUInt32BE(0)).toBe('{"metadata":{"a":1}}'.length);
    expect(await kv.get("plain")).toBe("héllo");
    expect(await kv.getWithMetadata("tagged")).toEqual({ value: "v", metadata: { a: 1 } });
    expect(await kv.getWithMetadata("plain", "bytes")).toEqual({
      value: new Uint8Array(Buffer.from("héllo")),
      metadata: null,
    });
  });

  it("reads values written in the earlier layout (every value in an envelope)", async () => {
    const operator = new Operator("memory", {});
    const store = createOpendalTableStore(operator);
    const header = new TextEncoder().encode("{}");
    const old = new Uint8Array([0, 0, 0, header.length, ...header, ...new TextEncoder().encode("old")]);
    await store.put("kv", "legacy", old);
    const kv = createKvApi(createOpendalKvProvider(operator));
    expect(await kv.get("legacy")).toBe("old");
    expect((await kv.list()).keys).toEqual([{ name: "legacy" }]);
  });
});

describe("R2 records on OpenDAL fs", () => {
  it("keeps a small object in one record file and a large one's content beside it", async () => {
    const root = freshRoot();
    const r2 = createR2Api(createOpendalR2Provider(createOperator("fs", { root })));
    await r2.put("small", "tiny", { contentType: "text/plain" });
    await r2.put("large", new Uint8Array(100 * 1024).fill(7));
    expect(readdirSync(join(root, "r2", "records")).sort()).toEqual(["large", "small"]);
    expect(readdirSync(join(root, "r2", "content"))).toEqual(["large"]);
    const record = readFileSync(join(root, "r2", "records", "small"));
    const headerLength = record.readUInt32BE(0);
    expect(JSON.parse(record.subarray(4, 4 + headerLength).toString())).toMatchObject({
      key: "small",
      size: 4,
      contentType: "text/plain",
    });
    expect(record.subarray(4 + headerLength).toString()).toBe("tiny");
    expect((await (await r2.get("large"))?.bytes())?.byteLength).toBe(100 * 1024);
    await r2.delete("large");
    expect(existsSync(join(root, "r2", "content", "large"))).toBe(false);
  });

  it("sees a record replaced behind its back, even at the same length", async () => {
    const root = freshRoot();
    const reader = createR2Api(createOpendalR2Provider(createOperator("fs", { root })));
    const writer = createR2Api(createOpendalR2Provider(createOperator("fs", { root })));
    await reader.put("k", "aaaa", { customMetadata: { v: "1" } });
    // Cached by the put, then confirmed by a head.
    expect((await reader.head("k"))?.customMetadata).toEqual({ v: "1" });
    // Same content length and header length: only the file's modification time tells.
    await writer.put("k", "bbbb", { customMetadata: { v: "2" } });
    expect((await reader.head("k"))?.customMetadata).toEqual({ v: "2" });
    const object = await reader.get("k");
    expect(object?.customMetadata).toEqual({ v: "2" });
    expect(await object?.text()).toBe("bbbb");
    await writer.delete("k");
    expect(await reader.head("k")).toBeNull();
  });

  it("writes a compact header for a plain object and JSON for the rest, and reads both back after a restart", async () => {
    const root = freshRoot();
    const md5 = (content: string | Uint8Array) => createHash("md5").update(content).digest("hex");
    const first = createR2Api(createOpendalR2Provider(createOperator("fs", { root })));
    const plain = "a plain object: no content type, no metadata, a key that is its own file name";
    // A header longer than the 4 KiB a cold head reads first (each control character is six in JSON).
    const padded = "content after a long header";
    const large = new Uint8Array(100 * 1024).fill(3);
    const long = `l/${"é".repeat(300)}`;
    const put = await first.put("plain", plain);
    expect(put?.etag).toBe(md5(plain));
    await first.put("padded", padded, { customMetadata: { pad: "\u0001".repeat(1_500) } });
    expect((await first.put("large", large))?.etag).toBe(md5(large));
    await first.put(long, "hashed");

    const record = (name: string) => readFileSync(join(root, "r2", "records", name));
    const json = (name: string) =>
      JSON.parse(
        record(name)
          .subarray(4, 4 + record(name).readUInt32BE(0))
          .toString(),
      ) as Record<string, unknown>;
    // Compact: 9 bytes of header (a tag and the upload time), then the content.
    const compact = record("plain");
    expect(compact.readUInt32BE(0)).toBe(9);
    expect([compact[4], compact.readDoubleBE(5)]).toEqual([1, put?.uploaded.getTime()]);
    expect(compact.subarray(13).toString()).toBe(plain);
    // JSON: inline content stores no etag, content beside its record does; a hashed name keeps its key.
    expect(json("padded").etag).toBeUndefined();
    expect(record("padded").readUInt32BE(0)).toBeGreaterThan(4096);
    expect(json("large")).toMatchObject({ etag: md5(large), external: true, size: large.byteLength });
    const hashedName = readdirSync(join(root, "r2", "records")).find((name) => name.startsWith("~")) ?? "";
    expect(json(hashedName)).toMatchObject({ key: long, size: 6 });

    // The earlier layout, with the etag in the header, still reads as it was written.
    const oldHeader = Buffer.from(
      '{"key":"old","size":3,"etag":"0123456789abcdef0123456789abcdef","uploaded":1,"customMetadata":{}}',
    );
    const length = Buffer.alloc(4);
    length.writeUInt32BE(oldHeader.byteLength);
    writeFileSync(join(root, "r2", "records", "old"), Buffer.concat([length, oldHeader, Buffer.from("old")]));

    const heads = createR2Api(createOpendalR2Provider(createOperator("fs", { root })));
    expect(await heads.head("plain")).toEqual({
      key: "plain",
      size: Buffer.byteLength(plain),
      etag: md5(plain),
      uploaded: put?.uploaded,
      customMetadata: {},
    });
    expect((await heads.head("padded"))?.etag).toBe(md5(padded));
    expect((await heads.head("large"))?.etag).toBe(md5(large));
    expect(await heads.head(long)).toMatchObject({ key: long, size: 6, etag: md5("hashed") });
    expect((await heads.head("old"))?.etag).toBe("0123456789abcdef0123456789abcdef");
    const gets = createR2Api(createOpendalR2Provider(createOperator("fs", { root })));
    const object = await gets.get("plain");
    expect([object?.key, object?.size, object?.etag, object?.uploaded, await object?.text()]).toEqual([
      "plain",
      Buffer.byteLength(plain),
      md5(plain),
      put?.uploaded,
      plain,
    ]);
    expect((await gets.get("padded"))?.etag).toBe(md5(padded));
    expect((await gets.get("old"))?.etag).toBe("0123456789abcdef0123456789abcdef");
    expect((await gets.list({ prefix: "p" })).objects.map((listed) => [listed.key, listed.etag])).toEqual([
      ["padded", md5(padded)],
      ["plain", md5(plain)],
    ]);
    // Conditions compare against the same etags.
    expect(await gets.put("plain", "next", { onlyIf: { etagMatches: md5(plain) } })).not.toBeNull();
    expect(await gets.put("plain", "again", { onlyIf: { etagMatches: md5(plain) } })).toBeNull();
    // Metadata added later turns the compact record into a JSON one, and back.
    await gets.put("plain", "typed", { contentType: "text/plain" });
    expect(json("plain")).toMatchObject({ key: "plain", contentType: "text/plain" });
    await gets.put("plain", "bare");
    expect(record("plain").readUInt32BE(0)).toBe(9);
    expect(await createR2Api(createOpendalR2Provider(createOperator("fs", { root }))).head("plain")).toMatchObject({
      size: 4,
      etag: md5("bare"),
    });
  });

  it("sees a compact record replaced behind its back, even in the same millisecond", async () => {
    const root = freshRoot();
    // One clock for both: the two headers are byte for byte the same, only the length differs.
    const clock = { now: () => 1_000 };
    const reader = createR2Api(createOpendalR2Provider(createOperator("fs", { root }), { clock }));
    const writer = createR2Api(createOpendalR2Provider(createOperator("fs", { root }), { clock }));
    await reader.put("k", "aaaa");
    expect((await reader.get("k"))?.size).toBe(4);
    await writer.put("k", "bbbbbb");
    const object = await reader.get("k");
    expect([object?.size, object?.etag, await object?.text()]).toEqual([
      6,
      createHash("md5").update("bbbbbb").digest("hex"),
      "bbbbbb",
    ]);
    expect((await reader.head("k"))?.size).toBe(6);
  });

  it("finds objects it never wrote (a restart) with their metadata, long keys included", async () => {
    const root = freshRoot();
    const first = createR2Api(createOpendalR2Provider(createOperator("fs", { root })));
    const long = `p/${"é".repeat(300)}`;
    await first.put(long, "x", { customMetadata: { m: "long" } });
    await first.put("p/short", "y", { contentType: "a/b" });
    const second = createR2Api(createOpendalR2Provider(createOperator("fs", { root })));
    expect(await second.head(long)).toMatchObject({ key: long, size: 1, customMetadata: { m: "long" } });
    const listed = await second.list({ prefix: "p/" });
    expect(listed.objects.map((object) => [object.key, object.contentType])).toEqual([
      ["p/short", "a/b"],
      [long, undefined],
    ]);
  });
});
