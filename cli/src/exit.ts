import type { CliIo } from "./io";

/** Exit codes are part of the CLI's contract: CI scripts branch on them. */
export const EXIT_OK = 0;
/** The flow (or run) has errors. */
export const EXIT_FAILED = 1;
/** Bad arguments, or an input that could not be read. */
export const EXIT_USAGE = 2;
/** A bug in flows itself. */
export const EXIT_INTERNAL = 70;

/** A problem with how flows was called or with what it was asked to read, with a stable code. */
export class UsageError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** EXIT_FAILED for a refusal about the run itself (RUN409) rather than about the call. */
    readonly exitCode: number = EXIT_USAGE,
  ) {
    super(message);
  }
}

/** Turns a UsageError into one line on stderr and exit 2; anything else is not ours to explain. */
export function reportUsage(error: unknown, io: CliIo, verb: string): number {
  if (error instanceof UsageError) {
    // Only a mistake in the arguments needs the usage pointer; a read problem speaks for itself.
    const hint = error.code === "USAGE" ? `\nRun "flows ${verb} --help" for usage.` : "";
    const code = error.code === "USAGE" ? "" : `${error.code}: `;
    io.stderr(`flows ${verb}: ${code}${error.message}${hint}\n`);
    return error.exitCode;
  }
  throw error;
}
