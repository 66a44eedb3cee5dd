import { KernelError } from "./errors";
import { HaltSignal } from "./halt";
import type { EventWait } from "./journal";
import type { DeterministicSource } from "./node-context";
import type { RunContext } from "./run-context";
import { expiryKey, foldJournal, resumeKey, unclaimedEvent } from "./run-state";
import { waitUntil } from "./wait-until";

/** What a halt or an event wait answers when its deadline passed before anyone answered it. */
export interface Expired {
  readonly expired: true;
  /** When it expired, epoch ms. */
  readonly deadline: number;
}

export function isExpired(value: unknown): value is Expired {
  return value !== null && typeof value === "object" && (value as { expired?: unknown }).expired === true;
}

export interface DeadlineOptions {
  /** How long to wait, from when the node first reached the wait (journaled, so replays agree). */
  readonly timeoutMs?: number;
  /** `"expire"` (default): answer `{ expired: true, deadline }`; `"fail"`: fail the node with HALT408. */
  readonly onTimeout?: "expire" | "fail";
}

export interface WaitOptions extends DeadlineOptions {
  /** Payload fields the event must have, with these values. */
  readonly match?: Readonly<Record<string, string | number | boolean | null>>;
}

/** The longest a duration may be: about 100 years, so a deadline stays a safe integer of ms. */
const MAX_DURATION_MS = 100 * 365 * 24 * 60 * 60 * 1000;

function duration(ms: unknown, what: string, node: string): number {
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0 || ms > MAX_DURATION_MS) {
    throw new KernelError(
      "TIME400",
      `node "${node}": ${what} must be a number of milliseconds from 0 to ${MAX_DURATION_MS} (got ${String(ms)})`,
      { node, value: typeof ms === "number" ? ms : String(ms) },
    );
  }
  return ms;
}

/** `ctx.sleep(ms)`: the wake time is journaled, so a replay never sleeps again. */
export async function sleepFor(run: RunContext, node: string, source: DeterministicSource, ms: number): Promise<void> {
  const length = duration(ms, "a sleep", node);
  const wakeAt = source.journaled(() => run.host.clock.now() + length);
  await waitUntil(run, wakeAt);
}

/** `ctx.sleepUntil(date)`. */
export async function sleepUntil(
  run: RunContext,
  node: string,
  source: DeterministicSource,
  at: Date | number,
): Promise<void> {
  const ms = at instanceof Date ? at.getTime() : at;
  if (typeof ms !== "number" || !Number.isFinite(ms)) {
    throw new KernelError("TIME400", `node "${node}": sleepUntil needs a Date or epoch milliseconds`, { node });
  }
  await waitUntil(
    run,
    source.journaled(() => ms),
  );
}

function deadlineOf(run: RunContext, node: string, source: DeterministicSource, options: DeadlineOptions | undefined) {
  if (options?.timeoutMs === undefined) return undefined;
  const length = duration(options.timeoutMs, "a timeout", node);
  return source.journaled(() => run.host.clock.now() + length);
}

/** Answers a wait whose deadline passed: the expired result, or HALT408 when the node asked to fail. */
function expire(node: string, what: string, deadline: number, options: DeadlineOptions | undefined): Expired {
  if (options?.onTimeout === "fail") {
    throw new KernelError("HALT408", `node "${node}": ${what} passed its deadline unanswered`, {
      node,
      deadline: new Date(deadline).toISOString(),
    });
  }
  return { expired: true, deadline };
}

/** `ctx.halt(checkpoint, details, { timeoutMs })`: the resume payload, or expired. */
export async function haltAt(
  run: RunContext,
  node: string,
  source: DeterministicSource,
  checkpoint: string,
  details: unknown,
  options: DeadlineOptions | undefined,
): Promise<unknown> {
  if (!run.plan.checkpoints.has(checkpoint)) {
    throw new KernelError(
      "HALT404",
      `node "${node}" halted at checkpoint "${checkpoint}", which the flow does not declare: add it to "checkpoints"`,
      { node, checkpoint },
    );
  }
  const key = resumeKey(node, checkpoint);
  if (run.replay.resumes.has(key)) return run.replay.resumes.get(key);
  const deadline = deadlineOf(run, node, source, options);
  const what = `checkpoint "${checkpoint}"`;
  if (deadline !== undefined) {
    if (run.replay.expired.has(key)) return expire(node, what, deadline, options);
    if (run.host.clock.now() >= deadline) {
      await run.record([{ type: "expired", node, checkpoint, at: run.host.clock.now() }]);
      return expire(node, what, deadline, options);
    }
  }
  throw new HaltSignal(checkpoint, details ?? null, deadline);
}

const MAX_EVENT_NAME = 256;

function hasControlCharacter(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) if (text.charCodeAt(index) < 0x20) return true;
  return false;
}

export function checkEventName(name: unknown): string {
  if (typeof name !== "string" || name.length === 0 || name.length > MAX_EVENT_NAME || hasControlCharacter(name)) {
    throw new KernelError(
      "EVENT400",
      `an event name is 1 to ${MAX_EVENT_NAME} printable characters (got ${JSON.stringify(String(name).slice(0, 40))})`,
      {},
    );
  }
  return name;
}

/**
 * `ctx.waitFor(name, options)`: the payload of the first delivered event of that name (and
 * matching fields) that no other wait took, or a halt until one arrives. An event delivered
 * before the wait began is taken at once; the event each wait took is journaled.
 */
export async function waitForEvent(
  run: RunContext,
  node: string,
  source: DeterministicSource,
  name: string,
  options: WaitOptions | undefined,
): Promise<unknown> {
  checkEventName(name);
  const seq = source.nextWait();
  const taken = run.replay.received.get(`${node}#${seq}`);
  if (taken !== undefined) return run.replay.events.find((event) => event.id === taken)?.payload ?? null;
  const deadline = deadlineOf(run, node, source, options);
  const what = `the wait for event "${name}"`;
  if (deadline !== undefined && run.replay.expired.has(expiryKey(node, name, seq))) {
    return expire(node, what, deadline, options);
  }
  const wait: EventWait = { name, seq, ...(options?.match === undefined ? {} : { match: options.match }) };
  // Events delivered while this execution runs are in the journal, not in its replay.
  const fresh = foldJournal(run.runId, await run.host.journal.read(run.runId));
  run.claimed ??= new Set();
  const claimed = run.claimed;
  const event = unclaimedEvent(
    { events: fresh.events.filter((known) => !claimed.has(known.id)), received: fresh.received },
    wait,
  );
  if (event !== undefined) {
    claimed.add(event.id);
    await run.record([{ type: "received", node, seq, id: event.id, at: run.host.clock.now() }]);
    return event.payload;
  }
  if (deadline !== undefined && run.host.clock.now() >= deadline) {
    await run.record([{ type: "expired", node, checkpoint: name, seq, at: run.host.clock.now() }]);
    return expire(node, what, deadline, options);
  }
  throw new HaltSignal(name, null, deadline, wait);
}
