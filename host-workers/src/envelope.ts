import type { FlowError } from "@flows/kernel";

/** HTTP status for each error code that reaches a client; anything else is a node failure (500). */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  BAD_REQUEST: 400,
  RUN400: 400,
  VALID400: 400,
  TRIG001: 400,
  CAPT001: 400,
  CAPT002: 400,
  IDEM001: 400,
  FOREACH400: 400,
  AUTH401: 401,
  AUTH403: 403,
  HALT403: 403,
  FLOW404: 404,
  RUN404: 404,
  NODE404: 404,
  ROUTE404: 404,
  HALT404: 409,
  HALT409: 409,
  EVENT400: 400,
  TIME400: 400,
  RUN409: 409,
  FLOW409: 409,
  BODY413: 413,
  RUN499: 503,
  CTRL901: 501,
  HOST501: 501,
  IMPL001: 500,
  CAP101: 500,
  CONTAINER_CRASH_LOOP: 503,
  CONTAINER_DOWN: 503,
  CONTAINER_LOST: 503,
  CONTAINER_UNAVAILABLE: 503,
  CONTAINER_ENV: 503,
  DAG203: 500,
  TIME015: 504,
};

export function statusFor(code: string): number {
  return STATUS_BY_CODE[code] ?? 500;
}

/** An error as routes answer it, before it becomes a response. */
export type RouteError = Pick<FlowError, "code" | "message"> & { details?: unknown };

/** The one error shape every route answers with: `{ error, code, details }`. */
export function errorResponse(error: RouteError, status?: number): Response {
  return Response.json(
    { error: error.message, code: error.code, details: error.details ?? {} },
    { status: status ?? statusFor(error.code) },
  );
}
