import { EXIT_FAILED, EXIT_USAGE, UsageError } from "../exit";

/**
 * A problem talking to a Worker, or the Worker's own refusal, with a stable code. Refusals
 * about the run (it is not halted, the token was used) exit 1 like their local twins; not
 * reaching or not being let in is exit 2, an input that could not be read.
 */
export class RemoteError extends UsageError {
  constructor(
    code: string,
    message: string,
    /** The HTTP status, when the Worker answered. */
    readonly httpStatus?: number,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(code, message, httpStatus === 409 || httpStatus === 403 ? EXIT_FAILED : EXIT_USAGE);
  }
}

/** Removes the token from a text that will be shown, whatever put it there. */
export function redact(text: string, token: string): string {
  return token === "" ? text : text.split(token).join("[redacted]");
}

const NETWORK_CODES: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "no such host",
  EAI_AGAIN: "the host name could not be resolved",
  ECONNRESET: "the connection was reset",
  EHOSTUNREACH: "the host is unreachable",
  ENETUNREACH: "the network is unreachable",
  ETIMEDOUT: "the connection timed out",
  UND_ERR_SOCKET: "the connection closed",
  CERT_HAS_EXPIRED: "its TLS certificate has expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "its TLS certificate is self-signed",
};

/** The error code of a failed fetch: Node puts the system error under `cause`. */
function causeCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== null && typeof current === "object"; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && code !== "") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A fetch that threw: unreachable (REMOTE503) or no answer in time (REMOTE504). */
export function transportError(error: unknown, display: string, timeoutMs: number, timedOut: boolean): RemoteError {
  if (timedOut) {
    return new RemoteError(
      "REMOTE504",
      `no answer from ${display} within ${timeoutMs} ms: is the Worker up? (--request-timeout changes the wait)`,
    );
  }
  const code = causeCode(error);
  const why = code === undefined ? "the request failed" : (NETWORK_CODES[code] ?? code);
  return new RemoteError(
    "REMOTE503",
    `cannot reach ${display}: ${why}. Check --url (or FLOWS_URL), and that the Worker (flows dev, wrangler dev or the deployment) is running`,
  );
}
