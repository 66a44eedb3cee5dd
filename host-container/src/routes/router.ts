import type { AppRoutes } from "../app";
import type { ContainerContext, RequestScope } from "../context";
import { errorResponse } from "../errors";
import { readMeta } from "../meta";
import type { Drain } from "../shutdown";
import { cancelRoute } from "./cancel";
import { nodeRoute } from "./node";
import { resumeRoute, runRoute } from "./run";

type WorkRoute = (request: Request, context: ContainerContext, scope: RequestScope) => Promise<Response>;

const WORK_ROUTES: Readonly<Record<string, WorkRoute>> = {
  "/run": runRoute,
  "/resume": resumeRoute,
  "/node": nodeRoute,
};

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
 * A request for the app's own routes: admitted like work (a stopping container refuses it, and
 * waits for those in flight), its failures answered with a code, never a stack trace.
 */
async function appRoute(request: Request, routes: AppRoutes, drain: Drain): Promise<Response> {
  const work = drain.admit();
  if (work === undefined) return draining();
  try {
    const response = await routes(request);
    if (!(response instanceof Response)) {
      return errorResponse(500, "APP500", "the app's fetch must return a Response");
    }
    return response;
  } catch (error) {
    return errorResponse(
      500,
      "APP500",
      `the app's fetch failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    work.done();
  }
}

/**
 * The container's HTTP API: `GET /ping`, `POST /run`, `POST /resume`, `POST /node` and
 * `POST /cancel`; any other path goes to the app's own `fetch` when it has one. Work is admitted only while the container is not draining (a cancellation
 * always is); each request gets its own bus session, closed when it ends (for a streamed answer,
 * when the stream ends).
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
    if (route === undefined && pathname !== "/cancel" && context.app.routes !== undefined) {
      return appRoute(request, context.app.routes, drain);
    }
    if (route === undefined && pathname !== "/cancel") {
      return errorResponse(
        404,
        "ROUTE404",
        `no route ${pathname}: use GET /ping, POST /run, /resume, /node or /cancel`,
        { path: pathname },
      );
    }
    if (request.method !== "POST") return errorResponse(405, "METHOD405", `use POST ${pathname}`);
    const meta = readMeta(request);
    if (!meta.ok) return meta.response;
    if (route === undefined) return cancelRoute(request, context, meta.meta);
    const work = drain.admit();
    if (work === undefined) return draining();
    // The Worker hanging up is an interruption, not a cancellation: it will ask again.
    const onAbort = () => work.interrupt(request.signal.reason);
    request.signal.addEventListener("abort", onAbort, { once: true });
    const session = context.bus.session(meta.meta);
    const tracked = context.runs.track(meta.meta.run_id, work);
    let held = false;
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      request.signal.removeEventListener("abort", onAbort);
      tracked.untrack();
      session.close();
      work.done();
    };
    const scope: RequestScope = {
      meta: meta.meta,
      session,
      work,
      label: (node) => {
        tracked.node = node;
      },
      keepOpen: () => {
        held = true;
        return close;
      },
    };
    try {
      return await route(request, context, scope);
    } catch (error) {
      held = false;
      return failure(error);
    } finally {
      if (!held) close();
    }
  };
}
