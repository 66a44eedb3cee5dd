import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { createSqlJournal } from "@flows/host-workers";
import type { JournalEntry, JournalStore } from "@flows/kernel";
import { describe, expect, it } from "vitest";
import { journalConformance } from "../support/conformance/journal";

// The run Durable Object's journal (SQLite) passes the same JournalStore suite as the memory
// and OpenDAL fs journals. Every call runs inside the object, on its real storage.
function sqlJournal(): JournalStore {
  const stub = env.JOURNAL.get(env.JOURNAL.idFromName(crypto.randomUUID()));
  const inside = <T>(use: (journal: JournalStore) => Promise<T>) =>
    runInDurableObject(stub, (_instance, state) => use(createSqlJournal(state.storage)));
  return {
    read: (runId) => inside((journal) => journal.read(runId)),
    append: (runId, entries: readonly JournalEntry[]) => inside((journal) => journal.append(runId, entries)),
    list: () => inside((journal) => journal.list()),
  };
}

journalConformance("Durable Object SQLite", sqlJournal);

describe("Durable Object SQLite journal: entries over a row's 2 MB", () => {
  it("stores and reads back a 5 MiB node output (a row alone refuses it)", async () => {
    const stub = env.JOURNAL.get(env.JOURNAL.idFromName(crypto.randomUUID()));
    const output = "x".repeat(5 * 1024 * 1024);
    const entries: JournalEntry[] = [{ type: "node", node: "big", output } as unknown as JournalEntry];
    const read = await runInDurableObject(stub, async (_instance, state) => {
      // The platform's own limit, as workerd enforces it: one row of 5 MiB is refused.
      state.storage.sql.exec("CREATE TABLE IF NOT EXISTS probe (text TEXT)");
      expect(() => state.storage.sql.exec("INSERT INTO probe (text) VALUES (?)", output)).toThrow(/too big|TOOBIG/i);
      const journal = createSqlJournal(state.storage);
      await journal.append("run-big", entries);
      await journal.append("run-big", [{ type: "finished" } as unknown as JournalEntry]);
      return createSqlJournal(state.storage).read("run-big");
    });
    expect(read).toHaveLength(2);
    expect((read[0] as unknown as { output: string }).output).toBe(output);
  });
});

describe("Durable Object SQLite journal: pages", () => {
  it("reads a journal a page at a time, entries in pieces included, one entry at least per page", async () => {
    const stub = env.JOURNAL.get(env.JOURNAL.idFromName(crypto.randomUUID()));
    const entry = (node: string, units: number) =>
      ({ type: "completed", node, output: "y".repeat(units) }) as unknown as JournalEntry;
    const pages = await runInDurableObject(stub, async (_instance, state) => {
      const journal = createSqlJournal(state.storage);
      await journal.append("paged", [entry("a", 10), entry("b", 10), entry("c", 3 * 1024 * 1024), entry("d", 10)]);
      const nodes = (page: { entries: readonly JournalEntry[]; next: number | null }) => ({
        nodes: page.entries.map((one) => (one as unknown as { node: string }).node),
        next: page.next,
      });
      return [
        nodes(await journal.readPage("paged", 0, 1000)),
        nodes(await journal.readPage("paged", 2, 1000)),
        nodes(await journal.readPage("paged", 3, 1000)),
        nodes(await journal.readPage("paged", 0, 10 * 1024 * 1024)),
      ];
    });
    expect(pages).toEqual([
      { nodes: ["a", "b"], next: 2 },
      { nodes: ["c"], next: 3 },
      { nodes: ["d"], next: null },
      { nodes: ["a", "b", "c", "d"], next: null },
    ]);
  });
});
