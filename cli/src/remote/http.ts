import { RemoteError, redact, transportError } from "./remote-error";
import type { RemoteTarget } from "./target";

export interface CallOptions {
  readonly method?: "GET" | "POST";
  readonly body?: unknown;
  readonly query?: URLSearchParams;
  readonly accept?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Stops the call from outside (Ctrl-C while following). */
  readonly signal?: AbortSignal;
}

/** The URL of a route under the target's base, e.g. `runs/abc/events`. */
export function routeUrl(target: RemoteTarget, path: string, query?: URLSearchParams): URL {
  const url = new URL(path.replace(/^\//, ""), target.base);
  if (query !== undefined) url.search = query.toString();
  return url;
}

/**
 * Sends one request with the bearer token. The wait is bounded by `timeoutMs` up to the
 * answer's headers, or with `whole` up to the end of its body too. Network failures and the
 * wait become RemoteErrors; the answer's status is the caller's.
 */
async function exchange<T>(
  target: RemoteTarget,
  path: string,
  options: CallOptions,
  read: (response: Response) => Promise<T>,
): Promise<T> {
  const url = routeUrl(target, path, options.query);
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, target.timeoutMs);
  const outer = options.signal;
  // The caller's signal stays tied to the request after the headers: it also stops a body being read.
  const signal = outer === undefined ? controller.signal : AbortSignal.any([controller.signal, outer]);
  try {
    const response = await fetch(url, {
      method: options.method ?? "GET",
      headers: {
        authorization: `Bearer ${target.token}`,
        accept: options.accept ?? "application/json",
        ...(options.body === undefined ? {} : { "content-type": "application/json" }),
        ...options.headers,
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      signal,
      // A redirect could carry the Authorization header to another origin.
      redirect: "manual",
    });
    return await read(response);
  } catch (error) {
    if (error instanceof RemoteError || outer?.aborted) throw error;
    throw transportError(error, target.display, target.timeoutMs, timedOut);
  } finally {
    clearTimeout(timer);
  }
}

/** The answer's headers (the body is the caller's to read, unbounded: a stream that follows a run). */
export function send(target: RemoteTarget, path: string, options: CallOptions = {}): Promise<Response> {
  return exchange(target, path, options, async (response) => response);
}

/** The error envelope every route answers with: `{ error, code, details }`. */
interface Envelope {
  readonly error?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly details?: unknown;
}

/** A refusal from the Worker as a RemoteError with a message that says what to do next. */
export function refusal(
  target: RemoteTarget,
  method: string,
  path: string,
  status: number,
  body: unknown,
): RemoteError {
  const envelope = (body !== null && typeof body === "object" ? body : {}) as Envelope;
  const code = typeof envelope.code === "string" ? envelope.code : `HTTP${status}`;
  const said =
    typeof envelope.error === "string" ? envelope.error : typeof envelope.message === "string" ? envelope.message : "";
  const details = (envelope.details !== null && typeof envelope.details === "object" ? envelope.details : {}) as Record<
    string,
    unknown
  >;
  if (status === 401) {
    return new RemoteError(
      "AUTH401",
      `${target.display} refused the API token from ${target.tokenSource}${said === "" ? "" : ` (${redact(said, target.token)})`}: it must equal the Worker's FLOWS_API_TOKEN secret (for flows dev, the value in .dev.vars)`,
      status,
    );
  }
  if (code === "ROUTE404") {
    return new RemoteError(
      "ROUTE404",
      `${target.display} has no route ${method} /${path.replace(/^\//, "")}: is it a flows Worker, published with this version of flows?`,
      status,
    );
  }
  const message = said === "" ? `${target.display} answered HTTP ${status}` : redact(said, target.token);
  return new RemoteError(code, message, status, details);
}

/** The answer's body as JSON, or REMOTE502 when it is something else (a login page, a proxy's error). */
export async function readJson(target: RemoteTarget, path: string, response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const type = response.headers.get("content-type") ?? "no content type";
    throw new RemoteError(
      "REMOTE502",
      `the answer of ${target.display}/${path.replace(/^\//, "")} is not JSON (HTTP ${response.status}, ${type}): is --url (or FLOWS_URL) the address of a flows Worker?`,
      response.status,
    );
  }
}

/** One JSON call, body included within the wait: the body of a 2xx answer, or the Worker's refusal. */
export async function callJson(
  target: RemoteTarget,
  path: string,
  options: CallOptions = {},
): Promise<{ status: number; body: unknown }> {
  return exchange(target, path, options, async (response) => {
    if (response.status >= 300 && response.status < 400) {
      throw new RemoteError(
        "REMOTE502",
        `${target.display} answered with a redirect (HTTP ${response.status}): give --url the Worker's own address`,
        response.status,
      );
    }
    const body = await readJson(target, path, response);
    if (!response.ok) throw refusal(target, options.method ?? "GET", path, response.status, body);
    return { status: response.status, body };
  });
}
