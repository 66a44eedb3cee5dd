/** Stable codes for what the Worker says about its container (all answered with 503). */
export const CONTAINER_ERROR_CODES = {
  /** `max_crashes` crashes inside `window_ms`: no more restarts until `POST /containers/:name/reset`. */
  crashLoop: "CONTAINER_CRASH_LOOP",
  /** Restart policy `never` and the instance crashed: it stays down until reset. */
  down: "CONTAINER_DOWN",
  /** The process died while serving a request that is not safe to repeat. */
  lost: "CONTAINER_LOST",
  /** Its environment is incomplete: a secret `container.secrets` names is not set, or `containerEnv` failed. */
  environment: "CONTAINER_ENV",
  /** It could not be started or reached (capacity, a start that timed out). */
  unavailable: "CONTAINER_UNAVAILABLE",
} as const;

export type ContainerErrorCode = (typeof CONTAINER_ERROR_CODES)[keyof typeof CONTAINER_ERROR_CODES];

/** The error envelope, as data that crosses RPC and becomes a response or a node failure. */
export interface ContainerFailure {
  readonly error: string;
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>> & { readonly retryable: boolean };
}

export function containerFailure(
  code: ContainerErrorCode,
  message: string,
  details: Readonly<Record<string, unknown>> = {},
): ContainerFailure {
  // A crash loop or a `never` instance needs a person; the others may clear by themselves.
  const retryable = code === CONTAINER_ERROR_CODES.lost || code === CONTAINER_ERROR_CODES.unavailable;
  return { error: message, code, details: { ...details, retryable } };
}

/** CrashLoopDetected, as the API reports it. */
export function crashLoopDetected(instance: string, crashes: number, windowMs: number, trippedAt: number) {
  return containerFailure(
    CONTAINER_ERROR_CODES.crashLoop,
    `CrashLoopDetected: container instance "${instance}" crashed ${crashes} times within ${windowMs} ms; restarts are stopped until POST /containers/${instance}/reset`,
    {
      type: "CrashLoopDetected",
      instance,
      crashes,
      window_ms: windowMs,
      tripped_at: new Date(trippedAt).toISOString(),
    },
  );
}
