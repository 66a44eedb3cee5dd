import { createKvApi, type KvApi, type KvProvider } from "@flows/cap-kv";
import { describe, expect, it } from "vitest";
import { uniquePrefix } from "./support";

export interface KvTarget {
  readonly provider: KvProvider;
  /** Moves the provider's clock forward; absent for real bindings, whose clock cannot be moved. */
  readonly advance?: (ms: number) => void;
}

export interface ConformanceFeatures {
  /** The target's `advance` moves its clock (false for real bindings). */
  readonly movableClock: boolean;
}

const REFUSED_KEYS: readonly [string, string][] = [
  ["empty", ""],
  ["513 bytes", "k".repeat(513)],
  ["257 two-byte characters (514 bytes)", "é".repeat(257)],
  ["a .. segment", "../escape"],
  ["a .. segment in the middle", "a/../../b"],
  ["an absolute path", "/etc/passwd"],
  ["a lone dot", "."],
];

/**
 * The KV contract. Every provider (memory, OpenDAL memory and fs, the real binding in workerd)
 * runs these same assertions through the capability API.
 */
export function kvConformance(
  name: string,
  makeTarget: () => KvTarget | Promise<KvTarget>,
  features: ConformanceFeatures = { movableClock: true },
): void {
  describe(`kv conformance: ${name}`, () => {
    const setup = async (): Promise<{ kv: KvApi; ns: string; target: KvTarget }> => {
      const target = await makeTarget();
      return { kv: createKvApi(target.provider), ns: uniquePrefix("kv"), target };
    };

    it("round-trips text, JSON and bytes, and reads missing keys as null", async () => {
      const { kv, ns } = await setup();
      await kv.put(`${ns}text`, "héllo ✓");
      await kv.put(`${ns}json`, JSON.stringify({ a: [1, { b: null }], s: "ü" }));
      await kv.put(`${ns}bytes`, new Uint8Array([0, 1, 254, 255]));
      expect(await kv.get(`${ns}text`)).toBe("héllo ✓");
      expect(await kv.get(`${ns}text`, "text")).toBe("héllo ✓");
      expect(await kv.get(`${ns}json`, "json")).toEqual({ a: [1, { b: null }], s: "ü" });
      expect(await kv.get(`${ns}bytes`, "bytes")).toEqual(new Uint8Array([0, 1, 254, 255]));
      expect(await kv.get(`${ns}missing`)).toBeNull();
      expect(await kv.get(`${ns}missing`, "json")).toBeNull();
      expect(await kv.get(`${ns}missing`, "bytes")).toBeNull();
    });

    it("returns metadata with the value, and null for both when the key is missing", async () => {
      const { kv, ns } = await setup();
      await kv.put(`${ns}m`, "v", { metadata: { owner: "ops", n: 3 } });
      await kv.put(`${ns}plain`, "v");
      expect(await kv.getWithMetadata(`${ns}m`)).toEqual({ value: "v", metadata: { owner: "ops", n: 3 } });
      expect(await kv.getWithMetadata(`${ns}plain`)).toEqual({ value: "v", metadata: null });
      expect(await kv.getWithMetadata(`${ns}missing`, "json")).toEqual({ value: null, metadata: null });
    });

    it("overwrites, deletes, and deletes a missing key without complaint", async () => {
      const { kv, ns } = await setup();
      await kv.put(`${ns}k`, "one", { metadata: { v: 1 } });
      await kv.put(`${ns}k`, "two");
      expect(await kv.getWithMetadata(`${ns}k`)).toEqual({ value: "two", metadata: null });
      await kv.delete(`${ns}k`);
      expect(await kv.get(`${ns}k`)).toBeNull();
      await expect(kv.delete(`${ns}never`)).resolves.toBeUndefined();
    });

    it("lists by prefix in UTF-8 byte order, with metadata", async () => {
      const { kv, ns } = await setup();
      const names = ["b", "a", "a/b", "z", "é", "\uFFFF", "😀", "A"];
      for (const n of names) await kv.put(`${ns}p/${n}`, n, { metadata: { n } });
      await kv.put(`${ns}q/outside`, "x");
      const page = await kv.list({ prefix: `${ns}p/` });
      expect(page.complete).toBe(true);
      expect(page.cursor).toBeUndefined();
      expect(page.keys.map((k) => k.name.slice(`${ns}p/`.length))).toEqual([
        "A",
        "a",
        "a/b",
        "b",
        "z",
        "é",
        "\uFFFF",
        "😀",
      ]);
      expect(page.keys[0]?.metadata).toEqual({ n: "A" });
    });

    it("pages through a listing with limit and cursor, visiting each key once", async () => {
      const { kv, ns } = await setup();
      const all = Array.from({ length: 7 }, (_, i) => `${ns}${String(i).padStart(2, "0")}`);
      for (const key of all) await kv.put(key, "v");
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await kv.list({ prefix: ns, limit: 3, ...(cursor === undefined ? {} : { cursor }) });
        pages += 1;
        expect(page.keys.length).toBeLessThanOrEqual(3);
        seen.push(...page.keys.map((k) => k.name));
        cursor = page.complete ? undefined : page.cursor;
        if (!page.complete) expect(typeof page.cursor).toBe("string");
      } while (cursor !== undefined && pages < 10);
      expect(seen).toEqual(all);
      expect(pages).toBe(3);
    });

    it("records an expiry from expirationTtl and shows it in listings", async () => {
      const { kv, ns, target } = await setup();
      const now = target.provider.clock?.now() ?? Date.now();
      await kv.put(`${ns}ttl`, "v", { expirationTtl: 120 });
      const [key] = (await kv.list({ prefix: ns })).keys;
      expect(key?.name).toBe(`${ns}ttl`);
      expect(Math.abs((key?.expiration ?? 0) - (Math.floor(now / 1000) + 120))).toBeLessThanOrEqual(5);
      expect(await kv.get(`${ns}ttl`)).toBe("v");
    });

    // KV's shortest TTL is 60 s, so expiry is observed only where the test can move the clock.
    it.skipIf(!features.movableClock)("forgets a key once its TTL has passed", async () => {
      const { kv, ns, target } = await setup();
      await kv.put(`${ns}ttl`, "v", { expirationTtl: 60 });
      target.advance?.(61_000);
      expect(await kv.get(`${ns}ttl`)).toBeNull();
      expect((await kv.list({ prefix: ns })).keys).toEqual([]);
    });

    it("accepts keys up to exactly 512 bytes and awkward characters", async () => {
      const { kv, ns } = await setup();
      const longest = ns + "é".repeat((512 - ns.length) / 2);
      const awkward = [longest, `${ns}with space`, `${ns}per%cent~tilde`, `${ns}a/b/c`, `${ns}dots...in.name`];
      for (const key of awkward) await kv.put(key, key);
      for (const key of awkward) expect(await kv.get(key)).toBe(key);
      expect((await kv.list({ prefix: ns })).keys.map((k) => k.name).sort()).toEqual([...awkward].sort());
    });

    for (const [label, key] of REFUSED_KEYS) {
      it(`refuses a key that is ${label} with CAP400 on every operation`, async () => {
        const { kv } = await setup();
        await expect(kv.put(key, "x")).rejects.toMatchObject({ code: "CAP400", retryable: false });
        await expect(kv.get(key)).rejects.toMatchObject({ code: "CAP400" });
        await expect(kv.getWithMetadata(key)).rejects.toMatchObject({ code: "CAP400" });
        await expect(kv.delete(key)).rejects.toMatchObject({ code: "CAP400" });
      });
    }

    it("refuses bad options with CAP400 and oversized data with CAP413", async () => {
      const { kv, ns } = await setup();
      await expect(kv.put(`${ns}k`, "v", { expirationTtl: 10 })).rejects.toMatchObject({ code: "CAP400" });
      await expect(kv.put(`${ns}k`, "v", { expiration: 1 })).rejects.toMatchObject({ code: "CAP400" });
      await expect(kv.put(`${ns}k`, "v", { metadata: { big: "x".repeat(1100) } })).rejects.toMatchObject({
        code: "CAP413",
      });
      await expect(kv.put(`${ns}k`, new Uint8Array(25 * 1024 * 1024 + 1))).rejects.toMatchObject({
        code: "CAP413",
      });
      await expect(kv.list({ prefix: ns, limit: 0 })).rejects.toMatchObject({ code: "CAP400" });
      await expect(kv.list({ prefix: ns, limit: 1001 })).rejects.toMatchObject({ code: "CAP400" });
      // Nothing refused was written.
      expect((await kv.list({ prefix: ns })).keys).toEqual([]);
    });
  });
}
