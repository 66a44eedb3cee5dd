import type { Delivery } from "@flows/kernel";
import { RUN_ID } from "./routes";
import { type EventRunRequest, RUN_ORIGIN } from "./run-protocol";

/** An event message as it must arrive on an event queue; anything else is acked and logged. */
function readEventMessage(message: Message<unknown>): EventRunRequest | string {
  const body = message.body as { run_id?: unknown; name?: unknown; payload?: unknown; id?: unknown } | null;
  if (body === null || typeof body !== "object") return 'an event message is {"run_id": …, "name": …, "payload": …}';
  if (typeof body.run_id !== "string" || !RUN_ID.test(body.run_id)) return "run_id must be a run id";
  if (typeof body.name !== "string") return "name must be the event's name";
  if (body.id !== undefined && typeof body.id !== "string") return "id must be a string";
  return { runId: body.run_id, name: body.name, payload: body.payload ?? null, id: body.id ?? `queue:${message.id}` };
}

/**
 * Delivers each message of an event queue to its run. Acked once delivered, kept or found a
 * duplicate, and when refused for good (no such run, a bad name): a retry could not change
 * that, so it is logged instead. Retried only when the delivery itself failed.
 */
export async function deliverEventBatch(batch: MessageBatch<unknown>, runs: DurableObjectNamespace): Promise<void> {
  for (const message of batch.messages) {
    const request = readEventMessage(message);
    const fields = { queue: batch.queue, message_id: message.id, attempts: message.attempts };
    if (typeof request === "string") {
      console.log(
        JSON.stringify({ level: "warn", message: `event message refused: ${request}`, code: "EVENT400", ...fields }),
      );
      message.ack();
      continue;
    }
    try {
      const stub = runs.get(runs.idFromName(request.runId));
      const answer = await stub.fetch(`${RUN_ORIGIN}/event`, { method: "POST", body: JSON.stringify(request) });
      const delivery = (await answer.json()) as Delivery;
      console.log(
        JSON.stringify({
          level: delivery.status === "refused" ? "warn" : "info",
          message: "event message delivered",
          run_id: request.runId,
          event: request.name,
          status: delivery.status,
          ...(delivery.error === undefined ? {} : { code: delivery.error.code }),
          ...fields,
        }),
      );
      message.ack();
    } catch (error) {
      console.log(
        JSON.stringify({
          level: "error",
          message: `event message not delivered: ${error instanceof Error ? error.message : String(error)}`,
          ...fields,
        }),
      );
      message.retry();
    }
  }
}
