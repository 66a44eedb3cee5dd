import type { FlowIR } from "@flows/flow-ir";
import type { Delivery, RunOutcome } from "@flows/kernel";
import type { IRequest } from "itty-router";
// The router alone: the package root also builds response helpers at load time, which stay in a bundle.
import { IttyRouter } from "itty-router/IttyRouter";
import { refuseTokenInUrl, requireAuth } from "./auth";
import { DEFAULT_MAX_BODY_BYTES, readBodyText } from "./body-limit";
import { bindingNames, DEFAULT_RESUME_TOKEN_TTL_MS, type FlowWorkerConfig, type WorkerEnv } from "./config";
import { errorResponse } from "./envelope";
import { deliveryResponse } from "./event-route";
import { registerIndexRoutes } from "./index-routes";
import { inspectorRoutes } from "./inspector/routes";
import { outcomeResponse } from "./outcome-response";
import { verifyResumeToken } from "./resume-token";
import { addRunDetailRoutes } from "./run-detail-routes";
import { type InvokeRequest, RUN_ORIGIN } from "./run-protocol";

/** Client-chosen run ids (idempotent invocations): safe in URLs, logs and storage keys. */
export const RUN_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A request as an extension's handler sees it: the path's named parts in `params`. */
export type RouteRequest = Request & { readonly params: Readonly<Record<string, string | undefined>> };

type Handler = (request: RouteRequest, env: WorkerEnv) => Promise<Response> | Response;
type RouterHandler = (request: IRequest, env: WorkerEnv) => Promise<Response> | Response;

/** Extra routes a host registers, each behind the same token check and preflight. */
export type RouteExtension = (add: (method: "get" | "post", path: string, handler: Handler) => void) => void;

/** The Worker's public HTTP API, in front of the run Durable Objects. */
export function createRoutes<Env extends WorkerEnv>(
  config: FlowWorkerConfig<Env>,
  flows: readonly FlowIR[],
  preflight: () => Response | undefined,
  extend?: RouteExtension,
) {
  const names = bindingNames(config as FlowWorkerConfig<never>);
  const ttlMs = config.resumeTokenTtlMs ?? DEFAULT_RESUME_TOKEN_TTL_MS;
  const maxBodyBytes = config.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  // The router's own types are broken in this version (see TOOLCHAIN.md); we type handlers ourselves.
  const router = IttyRouter<IRequest, [WorkerEnv]>();

  const runStub = (env: WorkerEnv, runId: string) => {
    const namespace = env[names.runs] as DurableObjectNamespace | undefined;
    if (namespace === undefined) throw new Error(`the Durable Object binding ${names.runs} is missing`);
    return namespace.get(namespace.idFromName(runId));
  };
  const secret = (env: WorkerEnv, name: string) => (typeof env[name] === "string" ? (env[name] as string) : undefined);
  const signing = (env: WorkerEnv) => ({ secret: secret(env, names.resumeSecret), ttlMs, now: Date.now() });

  const readJson = async (
    request: IRequest,
  ): Promise<{ ok: true; value: unknown } | { ok: false; response: Response }> => {
    const body = await readBodyText(request, maxBodyBytes);
    if (!body.ok) return body;
    const text = body.text;
    if (text.trim() === "") return { ok: true, value: null };
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch {
      return {
        ok: false,
        response: errorResponse({ code: "BAD_REQUEST", message: "the request body is not valid JSON" }),
      };
    }
  };

  const badId = (name: string, code: string) =>
    errorResponse({ code, message: `${name} must be 1–128 characters of letters, digits, '.', '_', ':' or '-'` });

  /** The run id in the path, or RUN400 before any Durable Object is addressed. */
  const pathRunId = (request: IRequest): { ok: true; runId: string } | { ok: false; response: Response } => {
    const runId = request.params.id ?? "";
    return RUN_ID.test(runId) ? { ok: true, runId } : { ok: false, response: badId("the run id", "RUN400") };
  };

  const flowFor = (name: string) => flows.find((flow) => flow.id === name || flow.name === name);

  const invocation = (request: IRequest, flow: FlowIR, payload: unknown): InvokeRequest => {
    const query = new URL(request.url).searchParams;
    const trigger = query.get("trigger");
    const capture = query.get("capture");
    const containerKey = query.get("container_key");
    const timeout = Number(query.get("timeout_ms") ?? Number.NaN);
    return {
      flow: flow.id,
      runId: query.get("run_id") ?? crypto.randomUUID(),
      payload,
      ...(trigger === null ? {} : { trigger }),
      ...(capture === null ? {} : { capture }),
      ...(Number.isInteger(timeout) && timeout > 0 ? { timeoutMs: timeout } : {}),
      metadata: {
        colo: (request.cf as { colo?: string } | undefined)?.colo ?? null,
        country: (request.cf as { country?: string } | undefined)?.country ?? null,
        client_ip: request.headers.get("cf-connecting-ip"),
        ...(containerKey === null ? {} : { container_key: containerKey }),
      },
    };
  };

  const guarded =
    (handler: RouterHandler): RouterHandler =>
    async (request, env) => {
      const denied = await requireAuth(request, secret(env, names.apiToken));
      if (denied) return denied;
      const problem = preflight();
      if (problem) return problem;
      return handler(request, env);
    };

  router.get("/health", () => Response.json({ ok: true }));

  router.get(
    "/flows",
    guarded(() =>
      Response.json({
        flows: flows.map((flow) => ({
          id: flow.id,
          name: flow.name,
          triggers: flow.nodes.filter((node) => node.kind === "trigger").map((node) => node.alias),
        })),
      }),
    ),
  );

  /** The flow named in the path and the invocation built from the request, or the error answer. */
  const flowCall = async (
    request: IRequest,
  ): Promise<{ ok: true; call: InvokeRequest } | { ok: false; response: Response }> => {
    const flow = flowFor(request.params.flow ?? "");
    if (!flow) {
      return {
        ok: false,
        response: errorResponse({ code: "FLOW404", message: `no flow named "${request.params.flow}"` }),
      };
    }
    const query = new URL(request.url).searchParams;
    for (const name of ["run_id", "container_key"]) {
      const value = query.get(name);
      if (value !== null && !RUN_ID.test(value)) {
        return { ok: false, response: badId(name, name === "run_id" ? "RUN400" : "BAD_REQUEST") };
      }
    }
    const body = await readJson(request);
    return body.ok ? { ok: true, call: invocation(request, flow, body.value) } : body;
  };

  router.post(
    "/flows/:flow/invoke",
    guarded(async (request, env) => {
      const parsed = await flowCall(request);
      if (!parsed.ok) return parsed.response;
      const { call } = parsed;
      const accept = request.headers.get("accept") ?? "";
      const answer = await runStub(env, call.runId).fetch(`${RUN_ORIGIN}/invoke`, {
        method: "POST",
        headers: { "content-type": "application/json", accept },
        body: JSON.stringify(call),
        signal: request.signal,
      });
      if (accept.includes("text/event-stream")) return answer;
      return outcomeResponse((await answer.json()) as RunOutcome, signing(env));
    }),
  );

  router.post(
    "/flows/:flow/runs",
    guarded(async (request, env) => {
      const parsed = await flowCall(request);
      if (!parsed.ok) return parsed.response;
      const { call } = parsed;
      return runStub(env, call.runId).fetch(`${RUN_ORIGIN}/start`, { method: "POST", body: JSON.stringify(call) });
    }),
  );

  addRunDetailRoutes({ get: (path, handler) => router.get(path, guarded(handler)), runStub, pathRunId, signing });

  router.post(
    "/runs/:id/resume",
    guarded(async (request, env) => {
      const checked = pathRunId(request);
      if (!checked.ok) return checked.response;
      const { runId } = checked;
      const body = await readJson(request);
      if (!body.ok) return body.response;
      const { token, payload } = (body.value ?? {}) as { token?: unknown; payload?: unknown };
      if (typeof token !== "string") {
        return errorResponse({ code: "BAD_REQUEST", message: 'send {"token": "<resume_token>", "payload": …}' });
      }
      const resumeSecret = secret(env, names.resumeSecret) ?? "";
      const verified = await verifyResumeToken(token, resumeSecret, Date.now());
      if (!verified.ok || verified.claims.run !== runId) {
        const reason = verified.ok ? "the token belongs to another run" : verified.reason;
        return errorResponse({ code: "HALT403", message: `resume refused: ${reason}` }, 403);
      }
      const answer = await runStub(env, runId).fetch(`${RUN_ORIGIN}/resume`, {
        method: "POST",
        body: JSON.stringify({ runId, checkpoint: verified.claims.checkpoint, halt: verified.claims.halt, payload }),
      });
      const outcome = (await answer.json()) as RunOutcome;
      if (outcome.status === "failed" && ["RUN409", "HALT403", "HALT404"].includes(outcome.error.code)) {
        // A valid signature on a token that no longer matches the run: it was used already.
        return errorResponse({ code: "HALT403", message: `resume refused: ${outcome.error.message}` }, 403);
      }
      return outcomeResponse(outcome, signing(env));
    }),
  );

  router.post(
    "/runs/:id/events/:name",
    guarded(async (request, env) => {
      const checked = pathRunId(request);
      if (!checked.ok) return checked.response;
      const { runId } = checked;
      const name = decodeURIComponent(request.params.name ?? "");
      const body = await readJson(request);
      if (!body.ok) return body.response;
      const { payload, id } = (body.value ?? {}) as { payload?: unknown; id?: unknown };
      if (id !== undefined && typeof id !== "string") {
        return errorResponse({
          code: "EVENT400",
          message: 'send {"payload": …, "id": "<a string>"}: "id" must be a string',
        });
      }
      const answer = await runStub(env, runId).fetch(`${RUN_ORIGIN}/event`, {
        method: "POST",
        body: JSON.stringify({ runId, name, payload: payload ?? null, ...(id === undefined ? {} : { id }) }),
      });
      return deliveryResponse((await answer.json()) as Delivery);
    }),
  );

  router.post(
    "/runs/:id/cancel",
    guarded(async (request, env) => {
      const checked = pathRunId(request);
      if (!checked.ok) return checked.response;
      const { runId } = checked;
      const stub = runStub(env, runId);
      const before = (await (await stub.fetch(`${RUN_ORIGIN}/status?run=${encodeURIComponent(runId)}`)).json()) as {
        flow?: string;
        status?: string;
      };
      if (before.flow === undefined) return errorResponse({ code: "RUN404", message: `no run ${runId}` });
      if (before.status === "completed" || before.status === "failed" || before.status === "cancelled") {
        return errorResponse({ code: "RUN409", message: `run ${runId} already ${before.status}: nothing to cancel` });
      }
      await stub.fetch(`${RUN_ORIGIN}/cancel`, { method: "POST", body: JSON.stringify({ runId }) });
      // Answered with the run as it now stands, in the same form as GET /runs/:id.
      return stub.fetch(`${RUN_ORIGIN}/detail?run=${encodeURIComponent(runId)}`);
    }),
  );

  registerIndexRoutes((method, path, handler) => router[method](path, guarded(handler)), names.runs, maxBodyBytes);

  extend?.((method, path, handler) => {
    router[method](path, guarded(handler));
  });

  router.all("*", (request) =>
    errorResponse({ code: "ROUTE404", message: `no route ${request.method} ${new URL(request.url).pathname}` }),
  );

  const inspector = inspectorRoutes({ token: (env) => secret(env, names.apiToken), page: config.inspector });

  return async (request: Request, env: WorkerEnv): Promise<Response> => {
    try {
      // Before any route, so a token in the URL is refused the same everywhere.
      const refused = refuseTokenInUrl(request);
      if (refused) return refused;
      return (await inspector(request, env)) ?? ((await router.fetch(request, env)) as Response);
    } catch (error) {
      // Never a stack trace to the client; the message is the error's own.
      return errorResponse({ code: "NODE500", message: error instanceof Error ? error.message : String(error) });
    }
  };
}
