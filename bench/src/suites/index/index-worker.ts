import { createFlowWorker } from "@flows/host-workers";
import { buildFlow } from "../../../../test/support/flow-builder";

// The bench Worker behind the run index figures: one quick flow, the index as a project gets
// it (8 shards per hour).

const hello = buildFlow("hello", { nodes: { start: {}, greet: {} }, edges: [["start", "greet"]] });

const app = createFlowWorker({
  flows: [hello],
  nodes: {
    "hello::start": (input) => input,
    "hello::greet": (input) => ({ hello: (input as { name?: string } | null)?.name ?? "world" }),
  },
});

export const FlowRunObject = app.FlowRunObject;
export default { fetch: app.fetch };
