import type { JournalEntry } from "@flows/kernel";
import { describe, expect, it } from "vitest";
import { createBusClient } from "./client";
import { createBusDispatcher } from "./dispatcher";
import { createBusJournal, journalBusHandlers } from "./journal";
import { pageOf } from "./journal-page";
import { JOURNAL_MESSAGE_LIMITS } from "./limits";

const entry = (node: string, units: number) =>
  ({ type: "completed", node, output: "x".repeat(units) }) as unknown as JournalEntry;

describe("journal pages", () => {
  it("fills a page up to the bound, always with at least one entry, and says where the next starts", () => {
    const entries = [entry("a", 100), entry("b", 100), entry("c", 1000), entry("d", 10)];
    const size = (index: number) => JSON.stringify(entries[index]).length;
    expect(pageOf(entries, 0, size(0) + size(1))).toEqual({ entries: entries.slice(0, 2), next: 2 });
    // An entry larger than the bound is a page of its own.
    expect(pageOf(entries, 2, 10)).toEqual({ entries: [entries[2]], next: 3 });
    expect(pageOf(entries, 3, 10_000)).toEqual({ entries: [entries[3]], next: null });
    expect(pageOf(entries, 4, 10_000)).toEqual({ entries: [], next: null });
  });

  it("reads a journal larger than one page (and than one message) through the bus, page by page", async () => {
    const stored = new Map<string, JournalEntry[]>();
    const journal = {
      read: async (runId: string) => stored.get(runId) ?? [],
      append: async (runId: string, entries: readonly JournalEntry[]) => {
        stored.set(runId, [...(stored.get(runId) ?? []), ...entries]);
      },
      list: async () => [...stored.keys()],
    };
    const dispatcher = createBusDispatcher({
      handlers: { journal: journalBusHandlers(journal) },
      allowed: new Set(["journal"]),
      messageLimits: JOURNAL_MESSAGE_LIMITS,
    });
    const reads: unknown[] = [];
    const client = createBusClient({
      send: (line) => {
        const frame = JSON.parse(line) as { method?: string; params?: unknown };
        if (frame.method === "journal.read") reads.push(frame.params);
        setTimeout(async () => {
          const answer = await dispatcher.respond(line.trimEnd());
          if (answer !== undefined) client.receive(answer.trimEnd());
        }, 0);
      },
      messageLimits: JOURNAL_MESSAGE_LIMITS,
    });
    const bus = createBusJournal(client);
    // Five entries of 9 Mi units: 45 Mi in all, more than the 32 MiB one answer may carry.
    const big = Array.from({ length: 5 }, (_, index) => entry(`n${index}`, 9 * 1024 * 1024));
    for (const one of big) stored.set("r", [...(stored.get("r") ?? []), one]);
    const read = await bus.read("r");
    expect(read.map((one) => (one as unknown as { node: string }).node)).toEqual(["n0", "n1", "n2", "n3", "n4"]);
    expect(reads).toEqual([0, 1, 2, 3, 4].map((from) => ({ run_id: "r", from })));
  }, 30_000);
});
