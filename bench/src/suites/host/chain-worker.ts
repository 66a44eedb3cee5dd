import { DurableObject, WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import { createFlowWorker } from "@flows/host-workers";
import { chainFlow, chainNodes } from "./chain-flow";
import { CHAIN_LENGTHS } from "./chain-lengths";
import { journalChain } from "./floor-steps";

// The bench Worker behind the durable-chain figures: the same chain of trivial steps, at each
// length the bench asks for, run three ways in one workerd so that they share its load.
// This is the only file of the bench Worker written against Workers types (the Node-side test
// config covers every other file under bench/), so it holds the classes and the routing; what
// each candidate does per step lives in chain-flow.ts and floor-steps.ts.

/** Ours: a flow per length, each run in a new run Durable Object journaling into SQLite. */
const app = createFlowWorker({ flows: CHAIN_LENGTHS.map(chainFlow), nodes: chainNodes });

export const FlowRunObject = app.FlowRunObject;

interface ChainRequest {
  readonly runId: string;
  readonly steps: number;
}

/** The floor: a plain SQLite Durable Object that journals one row per step and nothing else. */
export class FloorObject extends DurableObject {
  override async fetch(request: Request): Promise<Response> {
    const { runId, steps } = (await request.json()) as ChainRequest;
    return Response.json(await journalChain(this.ctx.storage.sql, runId, steps));
  }
}

interface ChainParams {
  readonly start: number;
  readonly steps: number;
}

/** Cloudflare Workflows: one `step.do` per step, each doing the same addition. */
export class ChainWorkflow extends WorkflowEntrypoint<unknown, ChainParams> {
  override async run(event: Readonly<WorkflowEvent<ChainParams>>, step: WorkflowStep): Promise<number> {
    let value = event.payload.start;
    for (let index = 1; index <= event.payload.steps; index += 1) {
      const previous = value;
      value = await step.do(`n${index}`, async () => previous + 1);
    }
    return value;
  }
}

interface Env extends Record<string, unknown> {
  CHAIN: Workflow<ChainParams>;
  FLOOR: DurableObjectNamespace;
}

const stepsOf = (url: URL) => Number(url.searchParams.get("steps"));

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/floor") {
      // A new object per request, addressed the way our Worker addresses a run's object.
      const runId = crypto.randomUUID();
      const stub = env.FLOOR.get(env.FLOOR.idFromName(runId));
      const body: ChainRequest = { runId, steps: stepsOf(url) };
      return stub.fetch("https://floor/run", { method: "POST", body: JSON.stringify(body) });
    }
    if (url.pathname === "/workflow") {
      // Created and awaited here, so the caller times the whole durable run. Workflows has no
      // "wait for the end" call: status is polled every millisecond.
      const instance = await env.CHAIN.create({ params: { start: 0, steps: stepsOf(url) } });
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
