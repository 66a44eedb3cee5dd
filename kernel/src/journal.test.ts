import { describe, expect, it } from "vitest";
import { buildFlow } from "../../test/support/flow-builder";
import { createKernel } from "./create-kernel";
import { systemClock } from "./host";
import { createMemoryJournal } from "./journal";

const flow = buildFlow("keep", { nodes: { start: {} } });

describe("the memory journal", () => {
  it("drops a run once it has finished, unless asked to keep finished runs", async () => {
    for (const keepFinished of [false, true]) {
      const journal = createMemoryJournal({ keepFinished });
      const kernel = createKernel({
        flows: [flow],
        nodes: { "keep::start": (input) => input },
        host: { journal, clock: systemClock, newId: () => "r", logger: () => {} },
      });
      expect(await kernel.invoke({ flow: "keep", payload: 1 })).toMatchObject({ status: "completed", output: 1 });
      expect(journal.runs.has("r")).toBe(keepFinished);
      expect((await kernel.status("r")).status).toBe(keepFinished ? "completed" : "running");
    }
  });
});
