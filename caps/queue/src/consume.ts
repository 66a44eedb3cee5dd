/**
 * The consume side, shared by Cloudflare's queue handler and the local queue: each delivered
 * message starts one run through a trigger, and the trigger's outcome acks or retries it.
 */
export interface ConsumedMessage {
  readonly id: string;
  readonly body: unknown;
  /** 1 on first delivery, 2 on the first retry, … */
  readonly attempts: number;
  readonly timestamp: Date;
}

export type MessageOutcome = { readonly action: "ack" } | { readonly action: "retry"; readonly delaySeconds?: number };

/** A delivered message as the runtime hands it over: Cloudflare's `Message`, or the local queue's. */
export interface DeliveredMessage extends ConsumedMessage {
  ack(): void;
  retry(options?: { delaySeconds?: number }): void;
}

export interface DeliveredBatch {
  readonly queue: string;
  readonly messages: readonly DeliveredMessage[];
}

/** Starts a run for one message and says what to do with the message afterwards. */
export type QueueTrigger = (message: ConsumedMessage, queue: string) => Promise<MessageOutcome> | MessageOutcome;

export interface ConsumeReport {
  readonly acked: readonly string[];
  readonly retried: readonly string[];
}

/** Backoff for failed runs: 2, 4, 8, … seconds, at most 5 minutes. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(300, 2 ** Math.max(1, Math.min(attempts, 9)));
}

/**
 * What a finished run means for its message: completed or halted runs are done with it (a
 * halted run resumes by its token, not by redelivery); a failed run is retried with backoff
 * when its error is retryable, and acked otherwise, since delivering it again would fail the
 * same way.
 */
export function outcomeForRun(
  run: { readonly status: string; readonly error?: { readonly retryable?: boolean } },
  attempts: number,
): MessageOutcome {
  if (run.status !== "failed") return { action: "ack" };
  return run.error?.retryable === true
    ? { action: "retry", delaySeconds: retryDelaySeconds(attempts) }
    : { action: "ack" };
}

/**
 * Runs each message of a batch through the trigger, one at a time in delivery order, and acks
 * or retries it. A trigger that throws is treated as a retryable failure of that message only.
 */
export async function consumeBatch(batch: DeliveredBatch, trigger: QueueTrigger): Promise<ConsumeReport> {
  const acked: string[] = [];
  const retried: string[] = [];
  for (const message of batch.messages) {
    let outcome: MessageOutcome;
    try {
      outcome = await trigger(
        { id: message.id, body: message.body, attempts: message.attempts, timestamp: message.timestamp },
        batch.queue,
      );
    } catch {
      outcome = { action: "retry", delaySeconds: retryDelaySeconds(message.attempts) };
    }
    if (outcome.action === "ack") {
      message.ack();
      acked.push(message.id);
    } else {
      message.retry(outcome.delaySeconds === undefined ? {} : { delaySeconds: outcome.delaySeconds });
      retried.push(message.id);
    }
  }
  return { acked, retried };
}
