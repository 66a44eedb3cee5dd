import { describe, expect, it } from "vitest";
import type { JournalEntry } from "./journal";
import { createMemoryJournal } from "./journal";
import { createJournalWriter } from "./journal-writer";

const skipped = (node: string): JournalEntry => ({ type: "skipped", node });

describe("createJournalWriter", () => {
  it("appends entries recorded in one turn together, in call order", async () => {
    const journal = createMemoryJournal();
    const appends: number[] = [];
    const append = journal.append.bind(journal);
    journal.append = async (runId, entries) => {
      appends.push(entries.length);
      await append(runId, entries);
    };
    const record = createJournalWriter(journal, "r");
    await Promise.all(["a", "b", "c"].map((node) => record([skipped(node)])));
    await record([skipped("d")]);
    expect(appends).toEqual([3, 1]);
    expect((await journal.read("r")).map((entry) => (entry as { node: string }).node)).toEqual(["a", "b", "c", "d"]);
  });

  it("fails every later call once an append fails", async () => {
    const journal = createMemoryJournal();
    journal.append = async () => {
      throw new Error("disk full");
    };
    const record = createJournalWriter(journal, "r");
    await expect(record([skipped("a")])).rejects.toThrow("disk full");
    await expect(record([skipped("b")])).rejects.toThrow("disk full");
  });
});
