import { createEffectIds, createMemoryTableStore, type TableStore, WITH_EFFECTS } from "@flows/caps";
import { describe, expect, it } from "vitest";
import type { DoApi } from "../api";
import { createDoApi } from "../bind";
import { createTableDoProvider } from "./table-do";

/**
 * The store as a process sees it that dies at its `writesLeft + 1`-th write: nothing after it
 * lands. `died()` tells whether it got there.
 */
function dyingAfter(store: TableStore, writesLeft: number): TableStore & { died(): boolean } {
  let left = writesLeft;
  let died = false;
  const write = <T>(perform: () => Promise<T>): Promise<T> => {
    if (left <= 0) {
      died = true;
      return Promise.reject(new Error("the process died"));
    }
    left -= 1;
    return perform();
  };
  return {
    get: (table, key) => store.get(table, key),
    read: (table, key, map) => store.read(table, key, map),
    put: (table, key, value) => write(() => store.put(table, key, value)),
    delete: (table, key) => write(() => store.delete(table, key)),
    keys: (table) => store.keys(table),
    died: () => died,
  };
}

/** One exactly-once node execution: five writes of every kind, under the effect key "order-1". */
async function execute(store: TableStore): Promise<unknown> {
  const shared = createDoApi(createTableDoProvider(store)) as DoApi & {
    [WITH_EFFECTS]: (ids: ReturnType<typeof createEffectIds>) => DoApi;
  };
  const state = shared[WITH_EFFECTS](createEffectIds({ key: "order-1", ttlMs: 60_000 }));
  const balance = await state.update<number>("balance", (b) => (b ?? 0) + 30);
  const number = await state.next("charges");
  await state.put(`charge:${number}`, { balance });
  const swapped = await state.compareAndSet("status", "open", "charged");
  const removed = await state.delete("cart");
  return { balance, number, swapped, removed };
}

async function snapshot(store: TableStore): Promise<Record<string, unknown>> {
  const api = createDoApi(createTableDoProvider(store));
  return {
    balance: await api.get("balance"),
    charge: await api.get("charge:1"),
    status: await api.get("status"),
    cart: await api.get("cart"),
    sequence: await store.get("do-sequences", "charges").then((bytes) => bytes && new TextDecoder().decode(bytes)),
  };
}

async function seeded(): Promise<TableStore> {
  const store = createMemoryTableStore();
  const api = createDoApi(createTableDoProvider(store));
  await api.put("status", "open");
  await api.put("cart", ["book"]);
  return store;
}

describe("recorded writes on a table store under a crash at every write", () => {
  it("ends as one execution whichever write the process dies at, and answers the same", async () => {
    const clean = await seeded();
    const answer = await execute(clean);
    const expected = await snapshot(clean);
    expect(answer).toEqual({ balance: 30, number: 1, swapped: true, removed: true });

    let crashPoints = 0;
    for (let writes = 0; ; writes += 1) {
      const store = await seeded();
      const dying = dyingAfter(store, writes);
      await execute(dying).catch(() => undefined);
      if (!dying.died()) break;
      crashPoints += 1;
      // A new process runs the node again, and once more for good measure.
      expect(await execute(store)).toEqual(answer);
      expect(await execute(store)).toEqual(answer);
      expect(await snapshot(store)).toEqual(expected);
    }
    // Three writes (record with the write, the write, record without it) for each of the five changes.
    expect(crashPoints).toBe(15);
  });
});
