import type { ContainerContext, RequestScope } from "../context";
import { errorResponse } from "../errors";
import { readMeta } from "../meta";
import type { Drain } from "../shutdown";
import { nodeRoute } from "./node";
import { runRoute } from "./run";

type WorkRoute = (request: Request, context: ContainerContext, scope: RequestScope) => Promise<Response>;

const WORK_ROUTES: Readonly<Record<string, WorkRoute>> = { "/run": runRoute, "/node": nodeRoute };

const draining = () =>
  errorResponse(503, "HOST503", "the container is stopping: send the work to another instance", {}, true);

/** A failure below the routes (the bus down, a store failing): coded, retryable when it says so. */
function failure(error: unknown): Response {
  const coded = error as { code?: unknown; message?: unknown; retryable?: unknown } | null;
  const code = typeof coded?.code === "string" ? coded.code : "HOST500";
  const retryable = coded?.retryable === true;
  const message = typeof coded?.message === "string" ? coded.message : String(error);
  return errorResponse(retryable ? 503 : 500, code, message, {}, retryable);
}

/**
 * The container's HTTP API: `GET /ping`, `POST /run`, `POST /node`. Work is admitted only while
 * the container is not draining; each request gets its own bus session, closed when it ends.
 */
export function createRouter(context: ContainerContext, drain: Drain): (request: Request) => Promise<Response> {
  return async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === "/ping") {
      if (request.method !== "GET" && request.method !== "HEAD") {
        return errorResponse(405, "METHOD405", "use GET /ping");
      }
      return drain.draining ? draining() : Response.json({ ok: true });
    }
    const route = WORK_ROUTES[pathname];
    if (route === undefined) {
      return errorResponse(404, "ROUTE404", `no route ${pathname}: use GET /ping, POST /run or POST /node`, {
        path: pathname,
      });
    }
    if (request.method !== "POST") return errorResponse(405, "METHOD405", `use POST ${pathname}`);
    const meta = readMeta(request);
    if (!meta.ok) return meta.response;
    const work = drain.admit();
    if (work === undefined) return draining();
    // The Worker hanging up is an interruption, not a cancellation: it will ask again.
    const onAbort = () => work.interrupt(request.signal.reason);
    request.signal.addEventListener("abort", onAbort, { once: true });
    const session = context.bus.session(meta.meta);
    try {
      return await route(request, context, { meta: meta.meta, session, work });
    } catch (error) {
      return failure(error);
    } finally {
      request.signal.removeEventListener("abort", onAbort);
      session.close();
      work.done();
    }
  };
}
