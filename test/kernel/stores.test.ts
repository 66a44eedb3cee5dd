import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemoryDedupe, createMemoryJournal } from "@flows/kernel";
import { afterAll, describe, expect, it } from "vitest";
import { createFsDedupe } from "../../cli/src/local/dedupe";
import { createFsJournal } from "../../cli/src/local/journal";
import { openLocalStore } from "../../cli/src/local/store";
import { dedupeConformance } from "../support/conformance/dedupe";
import { journalConformance } from "../support/conformance/journal";
import { manualClock } from "../support/manual-clock";

const roots: string[] = [];
const freshRoot = () => {
  const root = mkdtempSync(join(tmpdir(), "flows-store-"));
  roots.push(root);
  return root;
};
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

journalConformance("memory", () => createMemoryJournal({ keepFinished: true }));
journalConformance("OpenDAL fs", () => createFsJournal(openLocalStore(freshRoot())));

dedupeConformance("memory", () => {
  const { clock, advance } = manualClock();
  return { store: createMemoryDedupe(clock), advance };
});
dedupeConformance("OpenDAL fs", () => {
  const { clock, advance } = manualClock();
  return { store: createFsDedupe(openLocalStore(freshRoot()), clock), advance };
});

describe("OpenDAL fs journal after a killed writer", () => {
  it("skips a torn last line and starts the next append on a fresh line", async () => {
    const root = freshRoot();
    const operator = openLocalStore(root);
    await createFsJournal(operator).append("r", [{ type: "skipped", node: "a" }]);
    // What a process killed mid-write leaves behind.
    await operator.write("runs/r.ndjson", '{"type":"skipped","node":"b"', { append: true });
    const journal = createFsJournal(operator);
    expect(await journal.read("r")).toEqual([{ type: "skipped", node: "a" }]);
    await journal.append("r", [{ type: "skipped", node: "c" }]);
    expect(await journal.read("r")).toEqual([
      { type: "skipped", node: "a" },
      { type: "skipped", node: "c" },
    ]);
  });
});
