import { createHash } from "node:crypto";
import type { DoApi } from "@flows/cap-do";
import type { KvApi } from "@flows/cap-kv";
import type { QueueApi } from "@flows/cap-queue";
import type { R2Api } from "@flows/cap-r2";
import type { NodeContext, NodeRegistry } from "@flows/kernel";
import {
  approval,
  boxed,
  crashy,
  gated,
  keyed,
  mixed,
  mixedgate,
  mixedstream,
  streamy,
} from "../fixture/container-project";

// The container image's app, run by the real `flows-container` binary: every capability call
// goes over the bus to the Worker, which serves it from its real bindings.

const caps = (ctx: NodeContext) => ctx.caps as { kv: KvApi; queue: QueueApi; do: DoApi; r2: R2Api };

/** Every execution leaves a key of its own (counts executions); the effect itself is keyed once. */
async function step(ctx: NodeContext, name: string): Promise<void> {
  const { kv } = caps(ctx);
  await kv.put(`exec:${name}:${ctx.idempotencyKey}:${crypto.randomUUID()}`, "1");
  if ((await kv.get(`effect:${name}:${ctx.idempotencyKey}`)) === null) {
    await kv.put(`effect:${name}:${ctx.idempotencyKey}`, "1");
  }
}

/** Sleeps `ms`, or rejects when the signal aborts. */
const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

/**
 * Should the node's signal abort, leaves `aborted:<run>:<node>` with the reason's code, written
 * at the moment of the abort whatever the node is awaiting then: proof the abort reached it.
 * `done()` stops watching and waits for that write.
 */
function watchAbort(ctx: NodeContext): { done(): Promise<void> } {
  let marked: Promise<void> | undefined;
  const marker = () => {
    const code = (ctx.signal.reason as { code?: unknown } | undefined)?.code;
    marked = caps(ctx)
      .kv.put(`aborted:${ctx.run.run_id}:${ctx.node}`, String(code ?? "none"))
      .catch(() => {});
  };
  ctx.signal.addEventListener("abort", marker, { once: true });
  return {
    async done() {
      ctx.signal.removeEventListener("abort", marker);
      await marked;
    },
  };
}

/** Waits until the test opens the run's gate (KV `gate:<run>`), or the node's signal aborts. */
async function gate(ctx: NodeContext): Promise<void> {
  const { kv } = caps(ctx);
  const watch = watchAbort(ctx);
  try {
    await kv.put(`holding:${ctx.run.run_id}:${ctx.node}`, "1");
    while ((await kv.get(`gate:${ctx.run.run_id}`)) === null) await pause(25, ctx.signal);
  } finally {
    await watch.done();
  }
}

/**
 * One value at once, the rest after the gate opens; `fail` throws a coded error after the first;
 * `endless` streams until its signal aborts (a client that hangs up).
 */
async function* emit(input: unknown, ctx: NodeContext): AsyncGenerator<unknown> {
  const { id, fail, endless } = input as { id: string; fail?: boolean; endless?: boolean };
  yield { id, n: 1 };
  if (fail === true) throw Object.assign(new Error("value 2 is malformed"), { code: "STREAM422", retryable: false });
  if (endless === true) {
    const watch = watchAbort(ctx);
    try {
      for (let n = 2; ; n += 1) {
        await pause(10, ctx.signal);
        yield { id, n };
      }
    } finally {
      await watch.done();
    }
  }
  await gate(ctx);
  yield { id, n: 2 };
  yield { id, n: 3, in: "container" };
}

const ran = async (input: unknown, ctx: NodeContext) => {
  await caps(ctx).kv.put(`ran:${ctx.run.run_id}:${ctx.node}`, "1");
  return input;
};

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
    await caps(ctx).r2.put(`enriched/${(input as { id: string }).id}`, JSON.stringify(input));
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
  "approval::start": (input) => input,
  "approval::ask": async (input, ctx) => ({ ...(input as object), decision: await ctx.halt("manager", input) }),
  "approval::record": async (input, ctx) => {
    const { id, decision } = input as { id: string; decision: unknown };
    await caps(ctx).kv.put(`approved:${id}`, JSON.stringify(decision));
    return { id, decision, recorded_in: "container" };
  },
  "gated::start": (input) => input,
  "gated::hold": async (input, ctx) => {
    await gate(ctx);
    return input;
  },
  "gated::after": ran,
  "streamy::start": (input) => input,
  "streamy::emit": emit,
  "mixedgate::start": inTheWorker("mixedgate::start"),
  "mixedgate::hold": async (input, ctx) => {
    await gate(ctx);
    return input;
  },
  "mixedgate::after": inTheWorker("mixedgate::after"),
  "mixedstream::start": inTheWorker("mixedstream::start"),
  "mixedstream::emit": emit,
  "keyed::start": (input) => input,
  "keyed::use": (input) => {
    // Uses the secret the way a `git clone` with a token would, and says only that it had it.
    const key = process.env.API_KEY ?? "";
    console.log(JSON.stringify({ message: "calling the API with the key", key_length: key.length }));
    return {
      ...(input as object),
      key_sha256: createHash("sha256").update(key).digest("hex"),
      tenant: process.env.TENANT ?? null,
      greeting: process.env.GREETING ?? null,
    };
  },
  "crashy::start": (input) => input,
  "crashy::boom": () => {
    // A process that dies on this input every time: what crash-loop protection is for.
    process.kill(process.pid, "SIGKILL");
    return new Promise(() => {});
  },
};

export default { flows: [mixed, boxed, crashy, approval, gated, streamy, mixedgate, mixedstream, keyed], nodes };
