/** Every refusal the container answers: `{ error, code, details }`, never a stack trace. */
export function errorResponse(
  status: number,
  code: string,
  message: string,
  details: Readonly<Record<string, unknown>> = {},
  retryable = false,
): Response {
  return Response.json({ error: message, code, details: { ...details, retryable } }, { status });
}

/** Thrown at start-up when the app or the environment cannot work; the bin prints it and exits 1. */
export class ContainerStartError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = "ContainerStartError";
    this.code = code;
  }
}
