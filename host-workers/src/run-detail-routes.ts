import type { NodeValues, RunDetail } from "@flows/kernel";
import type { IRequest } from "itty-router";
import type { WorkerEnv } from "./config";
import { createResumeToken } from "./resume-token";
import { RUN_ORIGIN } from "./run-protocol";

type Handler = (request: IRequest, env: WorkerEnv) => Promise<Response> | Response;

/** What the run detail routes borrow from the router that registers them. */
export interface RunDetailKit {
  /** Registers a GET route behind the API token and preflight. */
  readonly get: (path: string, handler: Handler) => void;
  readonly runStub: (env: WorkerEnv, runId: string) => DurableObjectStub;
  readonly pathRunId: (request: IRequest) => { ok: true; runId: string } | { ok: false; response: Response };
  readonly signing: (env: WorkerEnv) => { secret: string | undefined; ttlMs: number; now: number };
}

/**
 * `GET /runs/:id` (the run detail, with a signed resume token when it is halted),
 * `GET /runs/:id/nodes/:node` (one node's whole values) and `GET /runs/:id/events` (the journal
 * as Server-Sent Events, replayed then followed to the end of the run).
 */
export function addRunDetailRoutes(kit: RunDetailKit): void {
  kit.get("/runs/:id", async (request, env) => {
    const checked = kit.pathRunId(request);
    if (!checked.ok) return checked.response;
    const { runId } = checked;
    const answer = await kit.runStub(env, runId).fetch(`${RUN_ORIGIN}/detail?run=${encodeURIComponent(runId)}`);
    if (!answer.ok) return answer;
    const detail = (await answer.json()) as RunDetail;
    return Response.json(await withSignedToken(detail, kit.signing(env)));
  });

  kit.get("/runs/:id/nodes/:node", async (request, env) => {
    const checked = kit.pathRunId(request);
    if (!checked.ok) return checked.response;
    const { runId } = checked;
    const node = decodeURIComponent(request.params.node ?? "");
    const answer = await kit
      .runStub(env, runId)
      .fetch(`${RUN_ORIGIN}/node?run=${encodeURIComponent(runId)}&node=${encodeURIComponent(node)}`);
    if (!answer.ok) return answer;
    return Response.json((await answer.json()) as NodeValues);
  });

  kit.get("/runs/:id/events", async (request, env) => {
    const checked = kit.pathRunId(request);
    if (!checked.ok) return checked.response;
    const { runId } = checked;
    // A reconnecting EventSource says where it stopped; `?after=` says the same for other clients.
    const after = request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get("after") ?? "-1";
    return kit
      .runStub(env, runId)
      .fetch(`${RUN_ORIGIN}/journal?run=${encodeURIComponent(runId)}&after=${encodeURIComponent(after)}`, {
        signal: request.signal,
      });
  });
}

/**
 * The halted run's token as `POST /runs/:id/resume` takes it: the kernel's halt token signed
 * with the resume secret, valid for the configured time from now. Null without a secret (the
 * resume route would refuse every token) and for an event wait (an event answers it).
 */
async function withSignedToken(
  detail: RunDetail,
  signing: { secret: string | undefined; ttlMs: number; now: number },
): Promise<RunDetail> {
  const resume = detail.resume;
  if (resume === null || resume.token === null) return detail;
  const token =
    signing.secret === undefined || signing.secret === ""
      ? null
      : await createResumeToken(
          { run: detail.run_id, checkpoint: resume.checkpoint, halt: resume.token, exp: signing.now + signing.ttlMs },
          signing.secret,
        );
  return { ...detail, resume: { ...resume, token } };
}
