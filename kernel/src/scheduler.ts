import { type FlowError, KernelError, toFlowError } from "./errors";
import { executeNode, type NodeInput, type NodeOutcome, type OutcomeWaiter } from "./execute-node";
import type { EventWait } from "./journal";
import { joinedValue, rootInput, unchosenBranches } from "./node-input";
import type { NodePlan } from "./plan";
import type { AbortListener } from "./run-abort";
import type { RunContext } from "./run-context";

export type RunOutcome =
  | { readonly status: "completed"; readonly runId: string; readonly flow: string; readonly output: unknown }
  | {
      readonly status: "halted";
      readonly runId: string;
      readonly flow: string;
      readonly node: string;
      /** The checkpoint, or the event name the node waits for. */
      readonly checkpoint: string;
      readonly token: string;
      readonly details: unknown;
      /** When the halt expires (epoch ms); invoke the run id again then (hosts use an alarm). */
      readonly deadline?: number;
      /** Set when the node waits for an event: send it with `deliver`, not `resume`. */
      readonly event?: string;
    }
  | {
      readonly status: "failed" | "cancelled";
      readonly runId: string;
      readonly flow: string;
      readonly error: FlowError;
    }
  /** Waiting for a retry due at `wakeAt`; invoke the run id again then (hosts use an alarm). */
  | { readonly status: "suspended"; readonly runId: string; readonly flow: string; readonly wakeAt: number };

/** A node whose every incoming edge is resolved, with what they delivered. */
interface ReadyNode extends NodeInput {
  readonly plan: NodePlan;
}

/**
 * Executes a run from wherever its journal left it. A node becomes ready when every incoming
 * edge is resolved; it runs if at least one delivered a value and is skipped otherwise, which
 * carries dead branches of if/switch through the rest of the graph.
 */
export function schedule(run: RunContext, trigger: string, payload: unknown): Promise<RunOutcome> {
  return new Promise<RunOutcome>((resolve, reject) => {
    new RunScheduler(run, resolve, reject).start(trigger, payload);
  });
}

/**
 * One execution's scheduling state. Driven by completions rather than a loop that races the
 * nodes in flight: a node's completion delivers to its successors and starts whatever became
 * ready, and the last one to settle finishes the run.
 */
class RunScheduler implements AbortListener, OutcomeWaiter {
  readonly #run: RunContext;
  readonly #resolve: (outcome: RunOutcome) => void;
  readonly #reject: (error: unknown) => void;
  /**
   * Nodes with several predecessors that some have reached, by node index: the edges still
   * unresolved and what the others delivered. A node with one predecessor needs none.
   */
  #joins: Map<number, { remaining: number; delivered: Map<string, unknown> | undefined }> | undefined;
  readonly #ready: (ReadyNode | undefined)[] = [];
  #readyHead = 0;
  #inFlight = 0;
  #settled = false;
  #failure: FlowError | undefined;
  #halt: (Omit<Extract<NodeOutcome, { kind: "halted" }>, "kind"> & { node: string }) | undefined;
  #wakeAt: number | undefined;
  #skipped: Set<string> | undefined;
  /** The capture node's output, once it has one. */
  #captured: unknown = null;
  #streamed: Set<string> | undefined;

  constructor(run: RunContext, resolve: (outcome: RunOutcome) => void, reject: (error: unknown) => void) {
    this.#run = run;
    this.#resolve = resolve;
    this.#reject = reject;
    run.abort.listen(this);
  }

  /**
   * The run stopped (cancelled, past its deadline, a node failed): it ends now, without waiting
   * for nodes still running; whatever they answer later is ignored.
   */
  abort(): void {
    this.#pump();
  }

  // Seed: the invoked trigger receives the payload; other triggers stay silent; any other root
  // node runs without input.
  start(trigger: string, payload: unknown): void {
    for (const node of this.#run.plan.order) {
      if (node.predecessors.length > 0) continue;
      const input = rootInput(node.node, trigger, payload);
      if (input.skipped) this.#skip(node);
      else this.#ready.push({ plan: node, value: input.value, keyed: false, edgeBudgetMs: undefined });
    }
    this.#pump();
  }

  get #stopped(): boolean {
    return this.#halt !== undefined || this.#wakeAt !== undefined || this.#run.abort.aborted;
  }

  /** Starts ready nodes up to the run's concurrency; finishes the run when nothing is left. */
  #pump(): void {
    if (this.#settled) return;
    const ready = this.#ready;
    while (this.#readyHead < ready.length && this.#inFlight < this.#run.concurrency && !this.#stopped) {
      const next = ready[this.#readyHead] as ReadyNode;
      // Let the started node's input go as soon as the node does.
      ready[this.#readyHead] = undefined;
      this.#readyHead += 1;
      this.#startNode(next);
    }
    if (this.#readyHead === ready.length) {
      ready.length = 0;
      this.#readyHead = 0;
    }
    if ((this.#inFlight === 0 || this.#run.abort.aborted) && (this.#readyHead === ready.length || this.#stopped)) {
      this.#settled = true;
      this.#finish().then(this.#resolve, this.#reject);
    }
  }

  #track(task: Promise<void>): void {
    this.#inFlight += 1;
    this.#settle(task);
  }

  /** Counts a task in flight out when it settles. */
  #settle(task: Promise<void>): void {
    task.then(this.#taskDone, this.#taskBroke);
  }

  // One pair per run, not per node: they hold nothing of the node.
  readonly #taskDone = () => {
    this.#inFlight -= 1;
    this.#pump();
  };

  readonly #taskBroke = (error: unknown) => {
    // A journal that cannot be written ends the run where it stands.
    if (this.#settled) return;
    this.#settled = true;
    this.#reject(error);
  };

  #startNode(ready: ReadyNode): void {
    const run = this.#run;
    const node = ready.plan;
    if (run.replay.outputs.has(node.alias)) {
      this.#replay(node);
      return;
    }
    const startedAt = run.host.clock.now();
    this.#inFlight += 1;
    const outcome = executeNode(run, node, ready, this, startedAt);
    // Settled synchronously: no time passed that a millisecond clock would show.
    if (outcome !== undefined) this.#settle(this.#finishNode(node, outcome, startedAt, startedAt));
  }

  /** A node that settled after `executeNode` returned. */
  nodeSettled(node: NodePlan, outcome: NodeOutcome, startedAt: number): void {
    if (this.#settled) return;
    this.#settle(this.#finishNode(node, outcome, startedAt));
  }

  #replay(node: NodePlan): void {
    const run = this.#run;
    const output = run.replay.outputs.get(node.alias);
    if (node.alias === run.capture) this.#captured = output;
    run.emit?.({ type: "node-finished", node: node.alias, status: "replayed", attempts: 0, durationMs: 0 });
    if (node.alias === run.capture && run.channel !== undefined) {
      // The consumer of a replayed run still gets the captured values.
      const channel = run.channel;
      const values = run.replay.streamed.has(node.alias) && Array.isArray(output) ? output : [output];
      this.#track(
        (async () => {
          for (const value of values) if (!(await channel.push(value))) break;
          this.#deliver(node, output);
        })(),
      );
      return;
    }
    this.#deliver(node, output);
  }

  #resolveEdge(target: NodePlan, from: string, value: unknown, delivered: boolean): void {
    if (target.predecessors.length === 1) {
      if (delivered)
        this.#ready.push({ plan: target, value, keyed: false, edgeBudgetMs: target.edgeTimeouts.get(from) });
      else this.#skip(target);
      return;
    }
    this.#joins ??= new Map();
    let join = this.#joins.get(target.index);
    if (join === undefined) {
      join = { remaining: target.predecessors.length, delivered: undefined };
      this.#joins.set(target.index, join);
    }
    if (delivered) {
      join.delivered ??= new Map();
      join.delivered.set(from, value);
    }
    join.remaining -= 1;
    if (join.remaining > 0) return;
    this.#joins.delete(target.index);
    if (join.delivered === undefined) this.#skip(target);
    else this.#ready.push(inputOf(target, join.delivered));
  }

  #deliver(node: NodePlan, output: unknown): void {
    const dead = node.routers.length === 0 ? undefined : unchosenBranches(node.routers, output);
    for (const successor of node.next) {
      this.#resolveEdge(successor, node.alias, output, dead === undefined || !dead.has(successor.alias));
    }
  }

  #skip(node: NodePlan): void {
    this.#skipped ??= new Set();
    if (this.#skipped.has(node.alias)) return;
    this.#skipped.add(node.alias);
    const run = this.#run;
    // A failed append surfaces at the next awaited one; nothing to do with it here.
    if (!run.replay.skipped.has(node.alias)) run.record([{ type: "skipped", node: node.alias }]).catch(() => {});
    run.emit?.({ type: "node-finished", node: node.alias, status: "skipped", attempts: 0, durationMs: 0 });
    for (const successor of node.next) this.#resolveEdge(successor, node.alias, undefined, false);
  }

  #finishNode(node: NodePlan, outcome: NodeOutcome, startedAt: number, finishedAt?: number): Promise<void> {
    const run = this.#run;
    const durationMs = (finishedAt ?? run.host.clock.now()) - startedAt;
    if (outcome.kind === "suspended") {
      this.#wakeAt = Math.min(this.#wakeAt ?? outcome.wakeAt, outcome.wakeAt);
      run.emit?.({ type: "node-finished", node: node.alias, status: "suspended", attempts: 0, durationMs });
      return DONE;
    }
    if (outcome.kind === "halted") {
      this.#halt ??= { ...outcome, node: node.alias };
      run.emit?.({ type: "node-finished", node: node.alias, status: "halted", attempts: 0, durationMs });
      run.host.logger({
        level: "info",
        message: outcome.event === undefined ? "node halted" : "node waits for an event",
        run_id: run.runId,
        flow_id: run.flow.id,
        node: node.alias,
        ...(outcome.event === undefined ? { checkpoint: outcome.checkpoint } : { event: outcome.event.name }),
        ...(outcome.deadline === undefined ? {} : { deadline: new Date(outcome.deadline).toISOString() }),
      });
      return DONE;
    }
    if (outcome.kind === "failed") return this.#failNode(node, outcome, startedAt, durationMs);
    const written = run.record([
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
    // Successors see an output only once it is journaled: a crash never lets them act on a
    // value that a replay would compute again differently.
    return written.then(() => this.#completed(node, outcome, durationMs));
  }

  async #failNode(
    node: NodePlan,
    outcome: Extract<NodeOutcome, { kind: "failed" }>,
    startedAt: number,
    durationMs: number,
  ) {
    const run = this.#run;
    if (run.abort.aborted) return;
    await run.record([
      { type: "failed", node: node.alias, error: outcome.error, attempts: outcome.attempts, startedAt, durationMs },
    ]);
    run.emit?.({
      type: "node-finished",
      node: node.alias,
      status: "failed",
      attempts: outcome.attempts,
      durationMs,
      code: outcome.error.code,
    });
    run.host.logger({
      level: "warn",
      message: "node failed",
      run_id: run.runId,
      flow_id: run.flow.id,
      node: node.alias,
      attempts: outcome.attempts,
      duration_ms: durationMs,
      code: outcome.error.code,
      error: outcome.error.message,
      // A bug's stack (NODE500), already mapped to the sources where the host can.
      ...(typeof outcome.error.details.stack === "string" ? { stack: outcome.error.details.stack } : {}),
    });
    this.#failure ??= outcome.error;
    run.abort.abort(new KernelError(outcome.error.code, outcome.error.message, outcome.error.details));
  }

  /** A journaled completion: the capture's channel fed, then the successors. */
  #completed(
    node: NodePlan,
    outcome: Extract<NodeOutcome, { kind: "completed" }>,
    durationMs: number,
  ): Promise<void> | undefined {
    const run = this.#run;
    if (node.alias === run.capture) this.#captured = outcome.output;
    if (outcome.streamed === true) {
      this.#streamed ??= new Set();
      this.#streamed.add(node.alias);
    }
    if (node.alias === run.capture && run.channel !== undefined && outcome.streamed !== true) {
      return run.channel.push(outcome.output).then(() => this.#announce(node, outcome, durationMs));
    }
    this.#announce(node, outcome, durationMs);
    return undefined;
  }

  #announce(node: NodePlan, outcome: Extract<NodeOutcome, { kind: "completed" }>, durationMs: number): void {
    const run = this.#run;
    run.emit?.({
      type: "node-finished",
      node: node.alias,
      status: "completed",
      attempts: outcome.attempts,
      durationMs,
      ...(outcome.error === undefined ? {} : { code: outcome.error.code }),
    });
    run.host.logger({
      // Debug: a line per node is the costliest part of a durable step in a Worker (about 28 µs
      // of console.log each), so hosts print it only when asked.
      level: outcome.error === undefined ? "debug" : "warn",
      message: "node completed",
      run_id: run.runId,
      flow_id: run.flow.id,
      node: node.alias,
      attempts: outcome.attempts,
      duration_ms: durationMs,
      ...(outcome.error === undefined ? {} : { code: outcome.error.code }),
    });
    if (!this.#stopped && this.#failure === undefined) this.#deliver(node, outcome.output);
  }

  /** Journals how the execution ended and answers with it. */
  async #finish(): Promise<RunOutcome> {
    const run = this.#run;
    const clock = run.host.clock;
    const base = { runId: run.runId, flow: run.flow.id };
    const failure = this.#failure;
    const halt = this.#halt;
    if (run.abort.aborted && failure === undefined) {
      const reason = toFlowError(run.abort.reason);
      const status = reason.code === "RUN499" ? "cancelled" : "failed";
      await run.record([{ type: "finished", status, error: reason, at: clock.now() }]);
      return { ...base, status, error: reason };
    }
    if (failure !== undefined) {
      await run.record([{ type: "finished", status: "failed", error: failure, at: clock.now() }]);
      return { ...base, status: "failed", error: failure };
    }
    if (this.#wakeAt !== undefined && halt === undefined) {
      await run.record([{ type: "suspended", wakeAt: this.#wakeAt, at: clock.now() }]);
      return { ...base, status: "suspended", wakeAt: this.#wakeAt };
    }
    if (halt !== undefined) {
      const token = run.host.newId();
      const { node, checkpoint, details, deadline, event } = halt;
      await run.record([
        {
          type: "halted",
          node,
          checkpoint,
          token,
          details,
          at: clock.now(),
          ...(deadline === undefined ? {} : { deadline }),
          ...(event === undefined ? {} : { event }),
        },
      ]);
      return haltedOutcome(base, { node, checkpoint, token, details, deadline, event });
    }
    const captured = this.#captured ?? null;
    const streamed = this.#streamed?.has(run.capture) === true || run.replay.streamed.has(run.capture);
    await run.record([
      { type: "finished", status: "completed", output: captured, ...(streamed ? { streamed } : {}), at: clock.now() },
    ]);
    return { ...base, status: "completed", output: captured };
  }
}

const DONE: Promise<void> = Promise.resolve();

/** The outcome of a halted run, as `halted` journal entries and fresh halts both report it. */
export function haltedOutcome(
  base: { runId: string; flow: string },
  halt: {
    node: string;
    checkpoint: string;
    token: string;
    details: unknown;
    deadline?: number | undefined;
    event?: EventWait | undefined;
  },
): RunOutcome {
  const { node, checkpoint, token, details, deadline, event } = halt;
  return {
    ...base,
    status: "halted",
    node,
    checkpoint,
    token,
    details,
    ...(deadline === undefined ? {} : { deadline }),
    ...(event === undefined ? {} : { event: event.name }),
  };
}

/** One predecessor hands over its value; several arrive as an object keyed by alias. */
function inputOf(node: NodePlan, delivered: ReadonlyMap<string, unknown>): ReadyNode {
  let edgeBudgetMs: number | undefined;
  for (const from of delivered.keys()) {
    const budget = node.edgeTimeouts.get(from);
    if (budget !== undefined) edgeBudgetMs = Math.min(edgeBudgetMs ?? budget, budget);
  }
  return { plan: node, value: joinedValue(delivered), keyed: true, edgeBudgetMs };
}
