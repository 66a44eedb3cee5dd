import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import { createFlowWorker } from "@flows/host-workers";

// Two durable 100-step chains in one Worker: a flow of 100 nodes run by our run Durable Object,
// and a Cloudflare Workflow of 100 `step.do` calls. Each step does the same trivial work.

const STEPS = 100;

const nodes: object[] = [];
const edges: object[] = [];
for (let index = 0; index <= STEPS; index += 1) {
  nodes.push({
    id: `chain::n${index}`,
    alias: `n${index}`,
    identifier: index === 0 ? "chain::start" : "chain::step",
    name: `n${index}`,
    kind: index === 0 ? "trigger" : "inline",
    in_schema: { kind: "opaque" },
    out_schema: { kind: "opaque" },
    effects: "pure",
    determinism: "strict",
  });
  if (index > 0) {
    edges.push({ from: `n${index - 1}`, to: `n${index}`, delivery: "at_least_once", ordering: "ordered", buffer: {} });
  }
}
const chain = { id: "chain", name: "chain", version: "1.0.0", profile: "web", nodes, edges };

const app = createFlowWorker({
  flows: [chain],
  nodes: { "chain::start": (input) => input, "chain::step": (input) => (input as number) + 1 },
});

export const FlowRunObject = app.FlowRunObject;

export class ChainWorkflow extends WorkflowEntrypoint<unknown, { start: number }> {
  override async run(event: Readonly<WorkflowEvent<{ start: number }>>, step: WorkflowStep): Promise<number> {
    let value = event.payload.start;
    for (let index = 1; index <= STEPS; index += 1) {
      const previous = value;
      value = await step.do(`n${index}`, async () => previous + 1);
    }
    return value;
  }
}

interface Env extends Record<string, unknown> {
  CHAIN: Workflow<{ start: number }>;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/workflow") {
      // Create the instance and wait for it here, so the caller times the whole durable run.
      const instance = await env.CHAIN.create({ params: { start: 0 } });
      for (;;) {
        const status = await instance.status();
        if (status.status === "complete") return Response.json({ output: status.output });
        if (status.status === "errored" || status.status === "terminated")
          return Response.json(status, { status: 500 });
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    }
    return app.fetch(request, env);
  },
};
