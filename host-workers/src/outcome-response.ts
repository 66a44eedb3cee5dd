import type { RunOutcome } from "@flows/kernel";
import { errorResponse } from "./envelope";
import { createResumeToken } from "./resume-token";

/** A run's outcome as the HTTP answer: 200 with the result, 202 with a signed resume token, or the error envelope. */
export async function outcomeResponse(
  outcome: RunOutcome,
  signing: { secret: string | undefined; ttlMs: number; now: number },
): Promise<Response> {
  switch (outcome.status) {
    case "completed":
      return Response.json({ run_id: outcome.runId, status: "completed", output: outcome.output });
    case "halted": {
      const deadline = outcome.deadline === undefined ? {} : { deadline_at: outcome.deadline };
      if (outcome.event !== undefined) {
        // It waits for an event (POST /runs/:id/events/:name), not for a resume: no token.
        return Response.json(
          { run_id: outcome.runId, status: "halted", node: outcome.node, event: outcome.event, ...deadline },
          { status: 202 },
        );
      }
      if (signing.secret === undefined || signing.secret === "") {
        return errorResponse({
          code: "DAG203",
          message: "the run halted but the resume secret is not configured: set it with `wrangler secret put`",
        });
      }
      const token = await createResumeToken(
        { run: outcome.runId, checkpoint: outcome.checkpoint, halt: outcome.token, exp: signing.now + signing.ttlMs },
        signing.secret,
      );
      return Response.json(
        {
          run_id: outcome.runId,
          status: "halted",
          node: outcome.node,
          checkpoint: outcome.checkpoint,
          details: outcome.details,
          ...deadline,
          resume_token: token,
        },
        { status: 202 },
      );
    }
    case "suspended":
      return Response.json({ run_id: outcome.runId, status: "suspended", wake_at: outcome.wakeAt }, { status: 202 });
    default:
      return errorResponse({
        code: outcome.error.code,
        message: outcome.error.message,
        details: { ...outcome.error.details, run_id: outcome.runId, retryable: outcome.error.retryable },
      });
  }
}
