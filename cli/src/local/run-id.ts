import { UsageError } from "../exit";

/** The run ids the Worker host accepts too: safe as file names, in URLs and in logs. */
const RUN_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** RUN400 (exit 2) for an id that could not be a file name or would not be accepted by a Worker. */
export function checkRunId(runId: string): string {
  if (!RUN_ID.test(runId)) {
    const shown = runId.length > 40 ? `${runId.slice(0, 40)}… (${Buffer.byteLength(runId)} bytes)` : runId;
    throw new UsageError(
      "RUN400",
      `run id "${shown}" is not valid: use 1–128 characters of letters, digits, '.', '_', ':' or '-'`,
    );
  }
  return runId;
}
