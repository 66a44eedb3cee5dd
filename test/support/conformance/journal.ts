import type { JournalEntry, JournalStore } from "@flows/kernel";
import { describe, expect, it } from "vitest";

const started = (flow: string): JournalEntry => ({
  type: "started",
  flow,
  trigger: "start",
  capture: "end",
  payload: { n: 1, text: "ünïcode ✓", nested: [1, { deep: null }] },
  at: 1,
});

/**
 * The JournalStore contract every host's journal passes: appends are kept in order per run,
 * runs are independent, values round-trip as JSON, ids with awkward characters are safe.
 */
export function journalConformance(name: string, makeStore: () => JournalStore | Promise<JournalStore>): void {
  describe(`JournalStore conformance: ${name}`, () => {
    it("reads an unknown run as empty", async () => {
      const store = await makeStore();
      expect(await store.read("never-started")).toEqual([]);
    });

    it("keeps appended entries in order, across appends", async () => {
      const store = await makeStore();
      const entries: JournalEntry[] = [
        started("f"),
        { type: "completed", node: "a", output: { ok: true }, attempts: 2, startedAt: 2, durationMs: 3 },
        { type: "value", node: "a", seq: 0, value: 0.25 },
        { type: "skipped", node: "b" },
      ];
      await store.append("run-1", entries.slice(0, 1));
      await store.append("run-1", entries.slice(1));
      expect(await store.read("run-1")).toEqual(entries);
    });

    it("keeps runs apart and lists them", async () => {
      const store = await makeStore();
      await store.append("run-a", [started("a")]);
      await store.append("run-b", [started("b")]);
      await store.append("run-a", [{ type: "finished", status: "completed", output: 1, at: 9 }]);
      expect((await store.read("run-a")).map((e) => e.type)).toEqual(["started", "finished"]);
      expect((await store.read("run-b")).map((e) => e.type)).toEqual(["started"]);
      expect([...(await store.list())].sort()).toEqual(["run-a", "run-b"]);
    });

    it("stores run ids with slashes, dots and spaces without escaping its storage", async () => {
      const store = await makeStore();
      const ids = ["parent/child", "../../etc/passwd", "with space", "ünï"];
      for (const id of ids) await store.append(id, [started(id)]);
      for (const id of ids) expect(await store.read(id)).toEqual([started(id)]);
      expect([...(await store.list())].sort()).toEqual([...ids].sort());
    });

    it("serialises many concurrent appends to one run without losing any", async () => {
      const store = await makeStore();
      await Promise.all(
        Array.from({ length: 50 }, (_, seq) => store.append("busy", [{ type: "value", node: "n", seq, value: seq }])),
      );
      const seqs = (await store.read("busy")).map((e) => (e.type === "value" ? e.seq : -1));
      expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, seq) => seq));
    });
  });
}
