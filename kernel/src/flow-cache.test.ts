import { describe, expect, it } from "vitest";
import { buildFlow } from "../../test/support/flow-builder";
import { type FlowReader, trustedFlowReader } from "./flow-reader";
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

  it("parses a document given as text with its reader's parser: the validating one says where the JSON breaks", () => {
    const broken = ['{\n  "id": "text",,\n}'];
    const host = { journal: createMemoryJournal(), clock: systemClock, newId: () => "r", logger: () => {} };
    const validating = createKernelWith({ flows: broken, nodes: {}, host }, validatingFlowReader).preflight("#0");
    expect(validating).toMatchObject({ code: "VALID400" });
    expect(validating?.message).toMatch(/^flow #0 is not valid: FLOW001 not valid JSON at line 2, column \d+: /);
    // A reader without a parser of its own (the published Worker's, never given text): JSON.parse's message.
    const trusted = createKernelWith({ flows: broken, nodes: {}, host }, trustedFlowReader).preflight("#0");
    expect(trusted).toMatchObject({ code: "VALID400" });
    expect(trusted?.message).toMatch(/^flow #0 is not valid: FLOW001 not valid JSON: /);
  });
});
