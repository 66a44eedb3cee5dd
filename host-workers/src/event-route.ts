import type { Delivery, RunOutcome } from "@flows/kernel";
import { errorResponse } from "./envelope";

/** How a run stands after an event, as the event routes report it (snake_case, no resume token). */
export function runAfterEvent(outcome: RunOutcome): Record<string, unknown> {
  switch (outcome.status) {
    case "completed":
      return { status: "completed", output: outcome.output };
    case "halted":
      return {
        status: "halted",
        node: outcome.node,
        ...(outcome.event === undefined ? { checkpoint: outcome.checkpoint } : { event: outcome.event }),
        ...(outcome.deadline === undefined ? {} : { deadline_at: outcome.deadline }),
      };
    case "suspended":
      return { status: "suspended", wake_at: outcome.wakeAt };
    default:
      return { status: outcome.status, code: outcome.error.code, error: outcome.error.message };
  }
}

/** A delivery as the HTTP answer: 200 unless it was refused (the error envelope, with its code). */
export function deliveryResponse(delivery: Delivery): Response {
  if (delivery.status === "refused") {
    const error = delivery.error ?? { code: "EVENT400", message: "the event was refused", details: {} };
    return errorResponse({
      code: error.code,
      message: error.message,
      details: { ...error.details, run_id: delivery.runId },
    });
  }
  return Response.json({
    run_id: delivery.runId,
    event_id: delivery.eventId,
    status: delivery.status,
    ...(delivery.outcome === undefined ? {} : { run: runAfterEvent(delivery.outcome) }),
  });
}
