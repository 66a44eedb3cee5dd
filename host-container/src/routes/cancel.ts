import type { FlowsMeta } from "@flows/caps/bus";
import { isName, readJsonObject } from "../body";
import type { ContainerContext } from "../context";
import { errorResponse } from "../errors";

/** How long a cancellation waits for the cancelled work to record what it finished. */
const SETTLE_MS = 10_000;

/**
 * `POST /cancel`: the Worker cancelled the run named in `x-flows-meta` (or, with `{"node"}`, one
 * node's `/node` call, e.g. its attempt timed out). Every matching request's signal aborts with
 * RUN499; unlike a hang-up this is final, so a `/run` journals the run as cancelled. Answers once
 * the work has settled (bounded), with how many requests it reached.
 */
export async function cancelRoute(request: Request, context: ContainerContext, meta: FlowsMeta): Promise<Response> {
  let node: string | undefined;
  if (request.headers.get("content-length") !== "0" && request.body !== null) {
    const body = await readJsonObject(request);
    if (!body.ok) return body.response;
    const value = body.value.node;
    if (value !== undefined && !isName(value)) {
      return errorResponse(400, "BODY400", 'field "node" must be a node alias (a non-empty string)', { field: "node" });
    }
    node = value as string | undefined;
  }
  const reason = Object.assign(new Error(`run ${meta.run_id} was cancelled`), { code: "RUN499", retryable: false });
  const cancelled = context.runs.cancel(meta.run_id, node, reason);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const settled = await Promise.race([
    Promise.all(cancelled.map((work) => work.settled)).then(() => true),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), SETTLE_MS);
    }),
  ]);
  clearTimeout(timer);
  context.logger({ level: "info", message: "run cancelled", run_id: meta.run_id, node, requests: cancelled.length });
  return Response.json({ run_id: meta.run_id, cancelled: cancelled.length, settled });
}
