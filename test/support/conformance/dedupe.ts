import type { DedupeStore } from "@flows/kernel";
import { describe, expect, it } from "vitest";

/** The DedupeStore contract: one owner per key, re-entrant for that owner, results kept until the TTL ends. */
export function dedupeConformance(
  name: string,
  makeStore: () =>
    | { store: DedupeStore; advance: (ms: number) => void }
    | Promise<{ store: DedupeStore; advance: (ms: number) => void }>,
): void {
  describe(`DedupeStore conformance: ${name}`, () => {
    it("grants a fresh key once and tells others it is pending", async () => {
      const { store } = await makeStore();
      expect(await store.reserve("k", "run-1", 1_000)).toEqual({ status: "granted" });
      expect(await store.reserve("k", "run-2", 1_000)).toEqual({ status: "pending", owner: "run-1" });
      // The owner itself (a resumed run) gets it again.
      expect(await store.reserve("k", "run-1", 1_000)).toEqual({ status: "granted" });
    });

    it("answers completed keys with the stored result", async () => {
      const { store } = await makeStore();
      await store.reserve("k", "run-1", 1_000);
      await store.complete("k", "run-1", { charge: "ch_1" }, 1_000);
      expect(await store.reserve("k", "run-2", 1_000)).toEqual({ status: "completed", result: { charge: "ch_1" } });
    });

    it("releases a failed reservation for the next owner", async () => {
      const { store } = await makeStore();
      await store.reserve("k", "run-1", 1_000);
      await store.release("k", "run-2");
      expect(await store.reserve("k", "run-2", 1_000)).toMatchObject({ status: "pending" });
      await store.release("k", "run-1");
      expect(await store.reserve("k", "run-2", 1_000)).toEqual({ status: "granted" });
    });

    it("forgets keys after their TTL", async () => {
      const { store, advance } = await makeStore();
      await store.reserve("k", "run-1", 100);
      await store.complete("k", "run-1", 1, 100);
      advance(101);
      expect(await store.reserve("k", "run-2", 100)).toEqual({ status: "granted" });
    });

    it("keeps keys with awkward characters apart", async () => {
      const { store } = await makeStore();
      await store.reserve("flow/node/a:b", "r", 1_000);
      await store.complete("flow/node/a:b", "r", "first", 1_000);
      expect(await store.reserve("flow/node/a", "r2", 1_000)).toEqual({ status: "granted" });
      expect(await store.reserve("../flow/node/a:b", "r2", 1_000)).toEqual({ status: "granted" });
    });
  });
}
