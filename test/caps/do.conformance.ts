import { createDoApi, type DoApi, type DoProvider } from "@flows/cap-do";
import { createEffectIds, type EffectIds, WITH_EFFECTS } from "@flows/caps";
import { describe, expect, it } from "vitest";
import { uniquePrefix } from "./support";

export interface DoTarget {
  readonly provider: DoProvider;
  /** Lets `ms` pass for the provider: steps a local clock, or really waits for a real binding. */
  readonly advance: (ms: number) => void | Promise<void>;
}

/**
 * The Durable Object capability contract: per-key state with compare-and-set and transactional
 * update, sequencers, and the idempotency ledger. The same assertions run on memory, OpenDAL
 * memory and fs, and FlowStateObject inside workerd.
 */
export function doConformance(name: string, makeTarget: () => DoTarget | Promise<DoTarget>): void {
  describe(`do conformance: ${name}`, () => {
    const setup = async (): Promise<{ state: DoApi; ns: string; target: DoTarget }> => {
      const target = await makeTarget();
      return { state: createDoApi(target.provider), ns: uniquePrefix("do"), target };
    };

    it("stores JSON values per key, and reads missing keys as undefined", async () => {
      const { state, ns } = await setup();
      expect(await state.get(`${ns}a`)).toBeUndefined();
      await state.put(`${ns}a`, { n: 1, list: [true, null, "ü"], nested: { z: 1, a: 2 } });
      await state.put(`${ns}b`, 0);
      await state.put(`${ns}c`, null);
      expect(await state.get(`${ns}a`)).toEqual({ n: 1, list: [true, null, "ü"], nested: { z: 1, a: 2 } });
      expect(await state.get(`${ns}b`)).toBe(0);
      expect(await state.get(`${ns}c`)).toBeNull();
      await state.put(`${ns}b`, "replaced");
      expect(await state.get(`${ns}b`)).toBe("replaced");
    });

    it("deletes, saying whether the key had a value", async () => {
      const { state, ns } = await setup();
      await state.put(`${ns}k`, 1);
      expect(await state.delete(`${ns}k`)).toBe(true);
      expect(await state.delete(`${ns}k`)).toBe(false);
      expect(await state.get(`${ns}k`)).toBeUndefined();
    });

    it("compares and sets: absent means undefined, equal means equal JSON whatever the key order", async () => {
      const { state, ns } = await setup();
      const key = `${ns}cas`;
      expect(await state.compareAndSet(key, { v: 0 }, { v: 1 })).toBe(false);
      expect(await state.get(key)).toBeUndefined();
      expect(await state.compareAndSet(key, undefined, { v: 1, w: [1] })).toBe(true);
      expect(await state.compareAndSet(key, undefined, { v: 9 })).toBe(false);
      expect(await state.compareAndSet(key, { w: [1], v: 1 }, { v: 2 })).toBe(true);
      expect(await state.compareAndSet(key, { v: 1 }, { v: 3 })).toBe(false);
      expect(await state.get(key)).toEqual({ v: 2 });
    });

    it("updates in one step, passing undefined for an absent key", async () => {
      const { state, ns } = await setup();
      const seen: unknown[] = [];
      const first = await state.update<number>(`${ns}u`, (current) => {
        seen.push(current);
        return (current ?? 10) + 1;
      });
      expect(first).toBe(11);
      expect(seen).toEqual([undefined]);
      expect(await state.update<{ items: number[] }>(`${ns}u2`, (c) => ({ items: [...(c?.items ?? []), 1] }))).toEqual({
        items: [1],
      });
      expect(await state.get(`${ns}u`)).toBe(11);
    });

    it("writes nothing when the change throws or returns something JSON cannot hold", async () => {
      const { state, ns } = await setup();
      await state.put(`${ns}k`, 1);
      await expect(
        state.update(`${ns}k`, () => {
          throw new Error("change failed");
        }),
      ).rejects.toMatchObject({ message: expect.stringContaining("change failed") });
      await expect(state.update(`${ns}k`, () => undefined as unknown as number)).rejects.toMatchObject({
        code: "CAP400",
      });
      expect(await state.get(`${ns}k`)).toBe(1);
    });

    it("loses no update among 100 parallel read-modify-writes of one key", async () => {
      const { state, ns } = await setup();
      const key = `${ns}counter`;
      await Promise.all(Array.from({ length: 100 }, () => state.update<number>(key, (n) => (n ?? 0) + 1)));
      expect(await state.get(key)).toBe(100);
    });

    it("numbers a sequence 1, 2, 3 … without gaps or repeats, also in parallel", async () => {
      const { state, ns } = await setup();
      expect(await state.next(`${ns}invoices`)).toBe(1);
      expect(await state.next(`${ns}invoices`)).toBe(2);
      expect(await state.next(`${ns}other`)).toBe(1);
      const numbers = await Promise.all(Array.from({ length: 50 }, () => state.next(`${ns}invoices`)));
      expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 3));
    });

    it("grants a dedupe key once, tells others it is pending, and lets its owner back in", async () => {
      const { state, ns } = await setup();
      const key = `${ns}flow/node/order-7`;
      expect(await state.reserve(key, "run-1", 60_000)).toEqual({ status: "granted" });
      expect(await state.reserve(key, "run-2", 60_000)).toEqual({ status: "pending", owner: "run-1" });
      expect(await state.reserve(key, "run-1", 60_000)).toEqual({ status: "granted" });
      expect(await state.lookup(key)).toMatchObject({ status: "pending", owner: "run-1" });
    });

    it("answers a completed key with its stored result, to every owner", async () => {
      const { state, ns } = await setup();
      const key = `${ns}charge`;
      expect(await state.lookup(key)).toBeUndefined();
      await state.reserve(key, "run-1", 60_000);
      await state.complete(key, "run-1", { charge: "ch_1", amount: 42 }, 60_000);
      const duplicate = { status: "completed", result: { charge: "ch_1", amount: 42 } };
      expect(await state.reserve(key, "run-2", 60_000)).toEqual(duplicate);
      expect(await state.reserve(key, "run-1", 60_000)).toEqual(duplicate);
      expect(await state.lookup(key)).toMatchObject(duplicate);
    });

    it("releases only the owner's unfinished reservation", async () => {
      const { state, ns } = await setup();
      const key = `${ns}r`;
      await state.reserve(key, "run-1", 60_000);
      await state.release(key, "run-2");
      expect(await state.reserve(key, "run-2", 60_000)).toMatchObject({ status: "pending" });
      await state.release(key, "run-1");
      expect(await state.reserve(key, "run-2", 60_000)).toEqual({ status: "granted" });
      await state.complete(key, "run-2", "done", 60_000);
      await state.release(key, "run-2");
      expect(await state.lookup(key)).toMatchObject({ status: "completed", result: "done" });
    });

    it("forgets reservations and results after their TTL", async () => {
      const { state, ns, target } = await setup();
      await state.reserve(`${ns}a`, "run-1", 50);
      await state.reserve(`${ns}b`, "run-1", 50);
      await state.complete(`${ns}b`, "run-1", 1, 50);
      await target.advance(120);
      expect(await state.lookup(`${ns}b`)).toBeUndefined();
      expect(await state.reserve(`${ns}a`, "run-2", 60_000)).toEqual({ status: "granted" });
      expect(await state.reserve(`${ns}b`, "run-2", 60_000)).toEqual({ status: "granted" });
    });

    it("grants exactly one of 100 parallel reservations of one key", async () => {
      const { state, ns } = await setup();
      const outcomes = await Promise.all(
        Array.from({ length: 100 }, (_, i) => state.reserve(`${ns}hot`, `run-${i}`, 60_000)),
      );
      const granted = outcomes.filter((outcome) => outcome.status === "granted");
      expect(granted).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome.status === "pending")).toHaveLength(99);
    });

    // An exactly-once node executed again (after a crash, or by another run with the same key)
    // makes the same writes in the same order under the same effect ids.
    const recording = (state: DoApi, key: string, ttlMs = 60_000): DoApi =>
      (state as DoApi & { [WITH_EFFECTS]: (ids: EffectIds) => DoApi })[WITH_EFFECTS](createEffectIds({ key, ttlMs }));

    it("makes each recorded write once: a repeat under the same effect ids answers as before and writes nothing", async () => {
      const { state, ns } = await setup();
      const effectKey = `${ns}order-1`;
      const execute = async () => {
        const node = recording(state, effectKey);
        const balance = await node.update<number>(`${ns}balance`, (b) => (b ?? 100) - 30);
        const charge = await node.next(`${ns}charges`);
        await node.put(`${ns}receipt:${charge}`, { balance });
        const swapped = await node.compareAndSet(`${ns}status`, undefined, "charged");
        const removed = await node.delete(`${ns}cart`);
        return { balance, charge, swapped, removed };
      };
      await state.put(`${ns}cart`, ["book"]);
      const first = await execute();
      expect(first).toEqual({ balance: 70, charge: 1, swapped: true, removed: true });
      // Someone else writes meanwhile; the repeat must not undo or redo anything.
      await state.put(`${ns}cart`, ["pen"]);
      for (let repeat = 0; repeat < 3; repeat += 1) expect(await execute()).toEqual(first);
      expect(await state.get(`${ns}balance`)).toBe(70);
      expect(await state.next(`${ns}charges`)).toBe(2);
      expect(await state.get(`${ns}receipt:1`)).toEqual({ balance: 70 });
      expect(await state.get(`${ns}status`)).toBe("charged");
      expect(await state.get(`${ns}cart`)).toEqual(["pen"]);
      // Another key is another execution: its writes are made.
      expect(await recording(state, `${ns}order-2`).update<number>(`${ns}balance`, (b) => (b ?? 0) - 30)).toBe(40);
    });

    it("records only a compare-and-set that wrote, and forgets records after their TTL", async () => {
      const { state, ns, target } = await setup();
      await state.put(`${ns}k`, 1);
      expect(await recording(state, `${ns}e`, 50).compareAndSet(`${ns}k`, 0, 2)).toBe(false);
      expect(await recording(state, `${ns}e`, 50).compareAndSet(`${ns}k`, 1, 2)).toBe(true);
      expect(await recording(state, `${ns}e`, 50).compareAndSet(`${ns}k`, 7, 3)).toBe(true);
      expect(await state.get(`${ns}k`)).toBe(2);
      await target.advance(120);
      expect(await recording(state, `${ns}e`, 50).compareAndSet(`${ns}k`, 7, 3)).toBe(false);
      expect(await recording(state, `${ns}e`, 50).next(`${ns}seq`)).toBe(1);
      expect(await recording(state, `${ns}e`, 50).next(`${ns}seq`)).toBe(1);
    });

    it("treats keys as names, not paths: awkward keys are kept apart", async () => {
      const { state, ns } = await setup();
      const keys = [`../${ns}`, `/${ns}abs`, `${ns}a/./b`, `${ns}a/b`, `${ns}${"é".repeat(1000)}`];
      for (const [i, key] of keys.entries()) await state.put(key, i);
      for (const [i, key] of keys.entries()) expect(await state.get(key)).toBe(i);
    });

    it("refuses bad keys, owners, TTLs and values with CAP400, and values over 2 MiB with CAP413", async () => {
      const { state, ns } = await setup();
      for (const key of ["", "k".repeat(2049), "é".repeat(1025)]) {
        await expect(state.put(key, 1)).rejects.toMatchObject({ code: "CAP400" });
        await expect(state.get(key)).rejects.toMatchObject({ code: "CAP400" });
        await expect(state.next(key)).rejects.toMatchObject({ code: "CAP400" });
        await expect(state.reserve(key, "run", 1000)).rejects.toMatchObject({ code: "CAP400" });
      }
      await expect(state.reserve(`${ns}k`, "", 1000)).rejects.toMatchObject({ code: "CAP400" });
      for (const ttl of [0, -1, 1.5, Number.NaN]) {
        await expect(state.reserve(`${ns}k`, "run", ttl)).rejects.toMatchObject({ code: "CAP400" });
      }
      await expect(state.put(`${ns}k`, undefined as unknown as number)).rejects.toMatchObject({ code: "CAP400" });
      await expect(state.put(`${ns}k`, "x".repeat(2 * 1024 * 1024 + 1))).rejects.toMatchObject({ code: "CAP413" });
      expect(await state.get(`${ns}k`)).toBeUndefined();
      expect(await state.lookup(`${ns}k`)).toBeUndefined();
    });
  });
}
