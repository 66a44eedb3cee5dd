import type { RunOutcome } from "@flows/kernel";
import { EXIT_FAILED, UsageError } from "../exit";
import { getRun, resumeRun } from "../remote/client";
import type { RemoteTarget } from "../remote/target";
import { type RunIo, reportOutcome } from "./run-io";

export interface RemoteResume {
  readonly checkpoint: string | undefined;
  readonly resumeToken: string | undefined;
  readonly payload: unknown;
  readonly io: RunIo;
}

/** An epoch-ms time, or an ISO 8601 one (routes answered those before times went numeric). */
const epoch = (value: unknown): number | undefined =>
  typeof value === "number" ? value : typeof value === "string" ? Date.parse(value) : undefined;

const text = (value: unknown) => (typeof value === "string" ? value : "");

/** What `POST /runs/:id/resume` answered, as the outcome a local resume reports. */
function outcomeOf(runId: string, status: number, body: Readonly<Record<string, unknown>>): RunOutcome {
  const base = { runId: text(body.run_id) || runId, flow: "" };
  switch (body.status) {
    case "completed":
      return { ...base, status: "completed", output: body.output };
    case "halted": {
      const deadline = epoch(body.deadline_at ?? body.deadline);
      const event = typeof body.event === "string" ? body.event : undefined;
      return {
        ...base,
        status: "halted",
        node: text(body.node),
        checkpoint: text(body.checkpoint) || (event ?? ""),
        token: text(body.resume_token),
        details: body.details ?? null,
        ...(deadline === undefined ? {} : { deadline }),
        ...(event === undefined ? {} : { event }),
      };
    }
    case "suspended":
      return { ...base, status: "suspended", wakeAt: epoch(body.wake_at) ?? Date.now() };
    default: {
      const code = text(body.code) || `HTTP${status}`;
      const details = (body.details ?? {}) as Record<string, unknown>;
      return {
        ...base,
        status: code === "RUN499" ? "cancelled" : "failed",
        error: { code, message: text(body.error), details, retryable: details.retryable === true },
      };
    }
  }
}

/**
 * `flows resume` against a Worker: the resume token from `--resume-token` or the run's own
 * detail, the checkpoint checked when given, then the same report a local resume prints.
 */
export async function resumeRemote(target: RemoteTarget, runId: string, request: RemoteResume): Promise<number> {
  const token =
    request.resumeToken !== undefined && request.checkpoint === undefined
      ? request.resumeToken
      : await tokenFromDetail(target, runId, request);
  const answer = await resumeRun(target, runId, { token, payload: request.payload });
  const outcome = outcomeOf(runId, answer.status, answer.body);
  if (outcome.status === "completed") request.io.stdout(`${JSON.stringify(outcome.output ?? null)}\n`);
  return reportOutcome(outcome, request.io);
}

/** The run's own detail: the checkpoint it waits at checked, and its resume token unless one was given. */
async function tokenFromDetail(target: RemoteTarget, runId: string, request: RemoteResume): Promise<string> {
  const detail = await getRun(target, runId);
  const resume = detail.resume;
  if (detail.status !== "halted" || resume === null) {
    throw new UsageError(
      "RUN409",
      `run ${runId} is ${detail.status}, not halted at a checkpoint: nothing to resume`,
      EXIT_FAILED,
    );
  }
  if (resume.event !== null) {
    throw new UsageError(
      "RUN409",
      `run ${runId} waits for the event "${resume.event}", not a resume: send it with POST /runs/${runId}/events/${resume.event}`,
      EXIT_FAILED,
    );
  }
  if (request.checkpoint !== undefined && request.checkpoint !== resume.checkpoint) {
    throw new UsageError(
      "HALT404",
      `run ${runId} waits at checkpoint "${resume.checkpoint}", not "${request.checkpoint}"`,
      EXIT_FAILED,
    );
  }
  const token = request.resumeToken ?? resume.token;
  if (token === null) {
    throw new UsageError(
      "HALT403",
      `${target.display} gave no resume token for run ${runId}: its FLOWS_RESUME_SECRET is not set (wrangler secret put, or .dev.vars for flows dev)`,
      EXIT_FAILED,
    );
  }
  return token;
}
