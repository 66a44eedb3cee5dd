import { AttemptScope } from "./attempt-scope";
import { type DeadlineOptions, haltAt, sleepFor, sleepUntil, type WaitOptions, waitForEvent } from "./durable-time";
import type { EffectScope, Logger, LogRecord } from "./host";
import type { HaltFunction, NodeContext, RunMetadata, WaitForFunction } from "./nodes";
import type { NodePlan } from "./plan";
import type { RunContext } from "./run-context";

/**
 * Journaled clock and random for one node: values recorded by an earlier execution of the
 * same run come back in the same order, new ones are journaled before the node completes.
 */
export class DeterministicSource {
  readonly #run: RunContext;
  readonly #alias: string;
  readonly #recorded: readonly number[];
  #seq = 0;

  constructor(run: RunContext, alias: string) {
    this.#run = run;
    this.#alias = alias;
    this.#recorded = run.replay.values.get(alias) ?? [];
  }

  #waits = 0;

  now(): number {
    return this.#next(() => this.#run.host.clock.now());
  }

  /** A value computed once and journaled (a wake time, a deadline): replays get the same. */
  journaled(fresh: () => number): number {
    return this.#next(fresh);
  }

  /** The number of the node's next event wait. */
  nextWait(): number {
    const seq = this.#waits;
    this.#waits += 1;
    return seq;
  }

  random(): number {
    return this.#next(Math.random);
  }

  #next(fresh: () => number): number {
    const position = this.#seq;
    this.#seq += 1;
    const known = this.#recorded[position];
    if (known !== undefined) return known;
    const value = fresh();
    // Not awaited (now() is synchronous); a failed append fails the next awaited one instead.
    this.#run.record([{ type: "value", node: this.#alias, seq: position, value }]).catch(() => {});
    return value;
  }
}

/** Shared by every attempt (and every for_each item) of one node execution. */
export interface Execution {
  source: DeterministicSource | undefined;
  attempts: number;
  /** The capture node yielded its output as a stream. */
  streamed: boolean;
  /** The attempt whose promise went up as the node returned it (see `attemptOnce`). */
  direct?: AttemptContext | undefined;
}

const NO_CAPS: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * What a node attempt receives. Everything a node may not touch is made on first use (its
 * signal, its capabilities, its journaled clock), and the functions are made when read, so a
 * node can still take them apart (`const { halt } = ctx`).
 */
export class AttemptContext implements NodeContext {
  readonly attempt: number;
  readonly idempotencyKey: string | undefined;
  readonly #run: RunContext;
  readonly #plan: NodePlan;
  #scope: AttemptScope | undefined;
  readonly #effects: EffectScope | undefined;
  readonly #execution: Execution;
  #caps: Readonly<Record<string, unknown>> | undefined;

  constructor(
    run: RunContext,
    plan: NodePlan,
    execution: Execution,
    attempt: number,
    idempotencyKey: string | undefined,
    effects: EffectScope | undefined,
  ) {
    this.#run = run;
    this.#plan = plan;
    this.#execution = execution;
    this.attempt = attempt;
    this.idempotencyKey = idempotencyKey;
    this.#effects = effects;
  }

  /**
   * The attempt's scope, made on first need: a node that never reads its signal and settles
   * without a budget to race never has one. Static, so a node does not see it on its context.
   */
  static scopeOf(context: AttemptContext): AttemptScope {
    context.#scope ??= new AttemptScope(context.#run.abort);
    return context.#scope;
  }

  /** The attempt is over: a scope the node made sees it (its signal aborts). */
  static finish(context: AttemptContext): void {
    context.#scope?.finish();
  }

  get node(): string {
    return this.#plan.alias;
  }

  get run(): RunMetadata {
    return this.#run.metadata;
  }

  get signal(): AbortSignal {
    return AttemptContext.scopeOf(this).signal;
  }

  get caps(): Readonly<Record<string, unknown>> {
    this.#caps ??= this.#run.host.capabilities?.(this.#plan.node, this.#effects) ?? NO_CAPS;
    return this.#caps;
  }

  get now(): () => number {
    const source = this.#source();
    return () => source.now();
  }

  get random(): () => number {
    const source = this.#source();
    return () => source.random();
  }

  get halt(): HaltFunction {
    const run = this.#run;
    const alias = this.#plan.alias;
    const source = this.#source();
    return ((checkpoint: string, details?: unknown, options?: DeadlineOptions) =>
      haltAt(run, alias, source, checkpoint, details, options)) as HaltFunction;
  }

  get sleep(): (ms: number) => Promise<void> {
    const run = this.#run;
    const alias = this.#plan.alias;
    const source = this.#source();
    return (ms) => sleepFor(run, alias, source, ms);
  }

  get sleepUntil(): (at: Date | number) => Promise<void> {
    const run = this.#run;
    const alias = this.#plan.alias;
    const source = this.#source();
    return (at) => sleepUntil(run, alias, source, at);
  }

  get waitFor(): WaitForFunction {
    const run = this.#run;
    const alias = this.#plan.alias;
    const source = this.#source();
    return ((name: string, options?: WaitOptions) =>
      waitForEvent(run, alias, source, name, options)) as WaitForFunction;
  }

  get log(): Logger {
    const run = this.#run;
    const alias = this.#plan.alias;
    return (record: LogRecord) => run.host.logger({ ...record, run_id: run.runId, flow_id: run.flow.id, node: alias });
  }

  #source(): DeterministicSource {
    this.#execution.source ??= new DeterministicSource(this.#run, this.#plan.alias);
    return this.#execution.source;
  }
}
