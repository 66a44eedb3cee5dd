import type { DoApi } from "@flows/cap-do";
import type { KvApi } from "@flows/cap-kv";
import type { QueueApi } from "@flows/cap-queue";
import type { NodeContext, NodeRegistry } from "@flows/kernel";
import { boxed, crashy, mixed } from "../fixture/container-project";

// The container image's app, run by the real `flows-container` binary: every capability call
// goes over the bus to the Worker, which serves it from its real bindings.

const caps = (ctx: NodeContext) => ctx.caps as { kv: KvApi; queue: QueueApi; do: DoApi };

/** Every execution leaves a key of its own (counts executions); the effect itself is keyed once. */
async function step(ctx: NodeContext, name: string): Promise<void> {
  const { kv } = caps(ctx);
  await kv.put(`exec:${name}:${ctx.idempotencyKey}:${crypto.randomUUID()}`, "1");
  if ((await kv.get(`effect:${name}:${ctx.idempotencyKey}`)) === null) {
    await kv.put(`effect:${name}:${ctx.idempotencyKey}`, "1");
  }
}

/** Nodes the Worker runs: the runtime wants every node of a flow it serves to have an implementation. */
const inTheWorker = (identifier: string) => () => {
  throw Object.assign(new Error(`${identifier} runs in the Worker`), { code: "IMPL001" });
};

const nodes: NodeRegistry = {
  "mixed::start": inTheWorker("mixed::start"),
  "mixed::prepare": inTheWorker("mixed::prepare"),
  "mixed::finish": inTheWorker("mixed::finish"),
  "mixed::enrich": async (input, ctx) => {
    await step(ctx, "enrich");
    return {
      ...(input as object),
      enriched_in: "container",
      greeting: process.env.GREETING,
      meta: { run_id: ctx.run.run_id, flow_id: ctx.run.flow_id, client_ip: ctx.run.client_ip },
    };
  },
  "boxed::start": (input) => input,
  "boxed::step1": async (input, ctx) => {
    await step(ctx, "step1");
    return input;
  },
  "boxed::step2": async (input, ctx) => {
    await step(ctx, "step2");
    // Long enough for the test to kill the process while this node runs.
    await new Promise((resolve) => setTimeout(resolve, (input as { holdMs?: number }).holdMs ?? 0));
    return input;
  },
  "boxed::step3": async (input, ctx) => {
    await step(ctx, "step3");
    const { id } = input as { id: string };
    const { queue, do: state } = caps(ctx);
    const receipt = await state.next(`receipts:${id}`);
    await queue.send({ id, receipt });
    return { id, receipt, pid: process.pid };
  },
  "crashy::start": (input) => input,
  "crashy::boom": () => {
    // A process that dies on this input every time: what crash-loop protection is for.
    process.kill(process.pid, "SIGKILL");
    return new Promise(() => {});
  },
};

export default { flows: [mixed, boxed, crashy], nodes };
