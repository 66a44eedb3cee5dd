import { type FlowError, KernelError, toFlowError } from "./errors";
import { executeNode, type NodeInput, type NodeOutcome } from "./execute-node";
import type { NodePlan } from "./plan";
import type { RunContext } from "./run-context";

export type RunOutcome =
  | { readonly status: "completed"; readonly runId: string; readonly flow: string; readonly output: unknown }
  | {
      readonly status: "halted";
      readonly runId: string;
      readonly flow: string;
      readonly node: string;
      readonly checkpoint: string;
      readonly token: string;
      readonly details: unknown;
    }
  | {
      readonly status: "failed" | "cancelled";
      readonly runId: string;
      readonly flow: string;
      readonly error: FlowError;
    }
  /** Waiting for a retry due at `wakeAt`; invoke the run id again then (hosts use an alarm). */
  | { readonly status: "suspended"; readonly runId: string; readonly flow: string; readonly wakeAt: number };

interface Pending {
  /** Incoming edges not yet resolved (delivered or dead). */
  remaining: number;
  readonly delivered: Map<string, unknown>;
}

/**
 * Executes a run from wherever its journal left it. A node becomes ready when every incoming
 * edge is resolved; it runs if at least one delivered a value and is skipped otherwise, which
 * carries dead branches of if/switch through the rest of the graph.
 */
export async function schedule(run: RunContext, trigger: string, payload: unknown): Promise<RunOutcome> {
  const { plan, replay } = run;
  const flowId = run.flow.id;
  const pending = new Map<string, Pending>();
  for (const [alias, node] of plan.nodes)
    pending.set(alias, { remaining: node.predecessors.length, delivered: new Map() });

  const ready: { plan: NodePlan; input: NodeInput }[] = [];
  const inFlight = new Set<Promise<void>>();
  let failure: FlowError | undefined;
  let halt: { node: string; checkpoint: string; details: unknown } | undefined;
  let wakeAt: number | undefined;
  const clock = run.host.clock;

  const resolveEdge = (to: string, from: string, value: unknown, delivered: boolean) => {
    const state = pending.get(to);
    const target = plan.nodes.get(to);
    if (!state || !target) return;
    if (delivered) state.delivered.set(from, value);
    state.remaining -= 1;
    if (state.remaining > 0) return;
    if (state.delivered.size === 0) skip(target);
    else ready.push({ plan: target, input: inputOf(target, state.delivered) });
  };

  const deliver = (node: NodePlan, output: unknown) => {
    const routers = plan.routers.get(node.alias) ?? [];
    const dead = new Set<string>();
    for (const router of routers) {
      const chosen = router.choose(output);
      for (const branch of router.branches) if (!chosen.has(branch)) dead.add(branch);
    }
    for (const successor of node.successors) resolveEdge(successor, node.alias, output, !dead.has(successor));
  };

  const skipped = new Set<string>();
  const outputs = new Map<string, unknown>();
  const streamedNodes = new Set<string>();
  function skip(node: NodePlan) {
    if (skipped.has(node.alias)) return;
    skipped.add(node.alias);
    // A failed append surfaces at the next awaited one; nothing to do with it here.
    if (!replay.skipped.has(node.alias)) run.record([{ type: "skipped", node: node.alias }]).catch(() => {});
    run.emit({ type: "node-finished", node: node.alias, status: "skipped", attempts: 0, durationMs: 0 });
    for (const successor of node.successors) resolveEdge(successor, node.alias, undefined, false);
  }

  const finishNode = async (node: NodePlan, outcome: NodeOutcome, startedAt: number) => {
    const durationMs = clock.now() - startedAt;
    if (outcome.kind === "suspended") {
      wakeAt = Math.min(wakeAt ?? outcome.wakeAt, outcome.wakeAt);
      run.emit({ type: "node-finished", node: node.alias, status: "suspended", attempts: 0, durationMs });
      return;
    }
    if (outcome.kind === "halted") {
      halt ??= { node: node.alias, checkpoint: outcome.checkpoint, details: outcome.details };
      run.emit({ type: "node-finished", node: node.alias, status: "halted", attempts: 0, durationMs });
      return;
    }
    if (outcome.kind === "failed") {
      if (run.controller.signal.aborted) return;
      await run.record([
        { type: "failed", node: node.alias, error: outcome.error, attempts: outcome.attempts, durationMs },
      ]);
      run.emit({
        type: "node-finished",
        node: node.alias,
        status: "failed",
        attempts: outcome.attempts,
        durationMs,
        code: outcome.error.code,
      });
      failure ??= outcome.error;
      run.controller.abort(new KernelError(outcome.error.code, outcome.error.message, outcome.error.details));
      return;
    }
    await run.record([
      {
        type: "completed",
        node: node.alias,
        output: outcome.output,
        attempts: outcome.attempts,
        startedAt,
        durationMs,
        ...(outcome.streamed === true ? { streamed: true } : {}),
        ...(outcome.error === undefined ? {} : { error: outcome.error }),
      },
    ]);
    outputs.set(node.alias, outcome.output);
    if (outcome.streamed === true) streamedNodes.add(node.alias);
    if (node.alias === run.capture && run.channel !== undefined && outcome.streamed !== true) {
      await run.channel.push(outcome.output);
    }
    run.emit({
      type: "node-finished",
      node: node.alias,
      status: "completed",
      attempts: outcome.attempts,
      durationMs,
      ...(outcome.error === undefined ? {} : { code: outcome.error.code }),
    });
    run.host.logger({
      level: outcome.error === undefined ? "info" : "warn",
      message: "node completed",
      run_id: run.runId,
      flow_id: flowId,
      node: node.alias,
      attempts: outcome.attempts,
      duration_ms: durationMs,
      ...(outcome.error === undefined ? {} : { code: outcome.error.code }),
    });
    if (!halt && !failure && wakeAt === undefined) deliver(node, outcome.output);
  };

  const start = (node: NodePlan, input: NodeInput) => {
    if (replay.outputs.has(node.alias)) {
      const output = replay.outputs.get(node.alias);
      outputs.set(node.alias, output);
      run.emit({ type: "node-finished", node: node.alias, status: "replayed", attempts: 0, durationMs: 0 });
      if (node.alias === run.capture && run.channel !== undefined) {
        // The consumer of a replayed run still gets the captured values.
        const channel = run.channel;
        const values = replay.streamed.has(node.alias) && Array.isArray(output) ? output : [output];
        const task = (async () => {
          for (const value of values) if (!(await channel.push(value))) break;
          deliver(node, output);
        })();
        track(task);
        return;
      }
      deliver(node, output);
      return;
    }
    const startedAt = clock.now();
    const task = executeNode(run, node, input).then(
      (outcome) => finishNode(node, outcome, startedAt),
      (error: unknown) =>
        finishNode(node, { kind: "failed", error: toFlowError(error, node.alias), attempts: 1 }, startedAt),
    );
    track(task);
  };

  const track = (task: Promise<void>) => {
    const tracked = task.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };

  // Seed: the invoked trigger receives the payload; other triggers stay silent; any other root
  // node runs without input.
  for (const [alias, node] of plan.nodes) {
    if (node.predecessors.length > 0) continue;
    if (alias === trigger) ready.push({ plan: node, input: { value: payload, keyed: false, edgeBudgetMs: undefined } });
    else if (node.node.kind === "trigger") skip(node);
    else ready.push({ plan: node, input: { value: undefined, keyed: false, edgeBudgetMs: undefined } });
  }

  for (;;) {
    while (
      ready.length > 0 &&
      inFlight.size < run.concurrency &&
      !halt &&
      wakeAt === undefined &&
      !run.controller.signal.aborted
    ) {
      const next = ready.shift() as (typeof ready)[number];
      start(next.plan, next.input);
    }
    if (inFlight.size === 0) break;
    await Promise.race(inFlight);
  }

  const base = { runId: run.runId, flow: flowId };
  if (run.controller.signal.aborted && failure === undefined) {
    const reason = toFlowError(run.controller.signal.reason);
    const status = reason.code === "RUN499" ? "cancelled" : "failed";
    await run.record([{ type: "finished", status, error: reason, at: clock.now() }]);
    return { ...base, status, error: reason };
  }
  if (failure !== undefined) {
    await run.record([{ type: "finished", status: "failed", error: failure, at: clock.now() }]);
    return { ...base, status: "failed", error: failure };
  }
  if (wakeAt !== undefined && halt === undefined) {
    return { ...base, status: "suspended", wakeAt };
  }
  if (halt !== undefined) {
    const token = run.host.newId();
    await run.record([
      { type: "halted", node: halt.node, checkpoint: halt.checkpoint, token, details: halt.details, at: clock.now() },
    ]);
    return { ...base, status: "halted", node: halt.node, checkpoint: halt.checkpoint, token, details: halt.details };
  }
  const captured = outputs.get(run.capture) ?? null;
  const streamed = streamedNodes.has(run.capture) || replay.streamed.has(run.capture);
  await run.record([
    { type: "finished", status: "completed", output: captured, ...(streamed ? { streamed } : {}), at: clock.now() },
  ]);
  return { ...base, status: "completed", output: captured };
}

/** One predecessor hands over its value; several arrive as an object keyed by alias. */
function inputOf(node: NodePlan, delivered: ReadonlyMap<string, unknown>): NodeInput {
  let edgeBudgetMs: number | undefined;
  for (const from of delivered.keys()) {
    const budget = node.edgeTimeouts.get(from);
    if (budget !== undefined) edgeBudgetMs = Math.min(edgeBudgetMs ?? budget, budget);
  }
  if (node.predecessors.length === 1) return { value: delivered.values().next().value, keyed: false, edgeBudgetMs };
  return { value: Object.fromEntries(delivered), keyed: true, edgeBudgetMs };
}
