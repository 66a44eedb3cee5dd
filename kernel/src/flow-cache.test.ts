import { describe, expect, it } from "vitest";
import { buildFlow } from "../../test/support/flow-builder";
import type { FlowReader } from "./flow-reader";
import { systemClock } from "./host";
import { createMemoryJournal } from "./journal";
import { createKernelWith } from "./kernel";
import { validatingFlowReader } from "./validating-reader";

describe("reading flows once per isolate", () => {
  it("validates a document once however many kernels run it (a run object builds one per run)", async () => {
    let reads = 0;
    const counting: FlowReader = (document, name, logger) => {
      reads += 1;
      return validatingFlowReader(document, name, logger);
    };
    const documents = [buildFlow("once", { nodes: { start: {} } })];
    const text = [JSON.stringify(buildFlow("text", { nodes: { start: {} } }))];
    for (let run = 0; run < 5; run += 1) {
      for (const [flows, id] of [
        [documents, "once"],
        [text, "text"],
      ] as const) {
        const kernel = createKernelWith(
          {
            flows,
            nodes: { [`${id}::start`]: (input: unknown) => input },
            host: { journal: createMemoryJournal(), clock: systemClock, newId: () => `r${run}`, logger: () => {} },
          },
          counting,
        );
        expect(await kernel.invoke({ flow: id, payload: run })).toMatchObject({ status: "completed", output: run });
      }
    }
    expect(reads).toBe(2);
  });
});
