import { foldJournal, KernelError } from "@flows/kernel";
import { parseVerbArgs } from "../args";
import { EXIT_FAILED, reportUsage, UsageError } from "../exit";
import { makeDirs } from "../fs/make-dirs";
import { createFsJournal } from "../local/journal";
import type { RunLease } from "../local/lease";
import { checkRunId } from "../local/run-id";
import { openLocalStore } from "../local/store";
import { cancelRun } from "../remote/client";
import { REMOTE_HELP, REMOTE_OPTIONS } from "../remote/target";
import { leaseRun } from "./run";
import type { RunIo } from "./run-io";
import { readFormat, targetOf } from "./runs";

export const CANCEL_HELP = `Usage: flows cancel <run-id> [--state <dir> | --url <url>] [--format text|json]

Cancels a run that has not finished: it ends cancelled (RUN499) and never continues. A
running run of a Worker is stopped where it is; a local run must not be executing in
another process (that process holds its lease: stop it, or pass --wait to cancel the run
when it halts or stops). A halted or suspended run is cancelled at once.

Options:
  --state <dir>        state directory (default: .flows)
  --wait               wait for the process executing the local run to let it go
${REMOTE_HELP}  --format <format>    text (default) or json ({"run_id", "status"})
  -h, --help           show this help

Exit codes: 0 cancelled, 1 refused (RUN409: already finished, or executing elsewhere),
2 usage or no such run (RUN404).
`;

const OPTIONS = {
  state: { type: "string" },
  format: { type: "string" },
  wait: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  ...REMOTE_OPTIONS,
} as const;

const FINISHED = new Set(["completed", "failed", "cancelled"]);

/** Cancels a local run under its lease: a `finished` entry with RUN499, as the kernel's own cancel writes. */
async function cancelLocal(state: string, runId: string, wait: boolean | undefined, io: RunIo): Promise<string> {
  checkRunId(runId);
  const stateDir = makeDirs(state, "STATE400", "state directory");
  let lease: RunLease | undefined;
  try {
    lease = await leaseRun(stateDir, runId, wait, io);
  } catch (error) {
    if (error instanceof UsageError && error.code === "RUN409") {
      throw new UsageError(
        "RUN409",
        `${error.message.replace(/: wait for it.*$/, "")}: stop that process (Ctrl-C) first, or pass --wait to cancel the run once it lets go`,
        EXIT_FAILED,
      );
    }
    throw error;
  }
  try {
    const journal = createFsJournal(openLocalStore(stateDir));
    const state = foldJournal(runId, await journal.read(runId));
    if (state.started === undefined) throw new UsageError("RUN404", `no run ${runId} under ${stateDir}`);
    if (FINISHED.has(state.status)) {
      throw new UsageError("RUN409", `run ${runId} already ${state.status}: nothing to cancel`, EXIT_FAILED);
    }
    const error = new KernelError("RUN499", "the run was cancelled", { run_id: runId }).toJSON();
    await journal.append(runId, [{ type: "finished", status: "cancelled", error, at: Date.now() }]);
    return "cancelled";
  } finally {
    lease.release();
  }
}

export async function cancelCommand(argv: readonly string[], io: RunIo): Promise<number> {
  try {
    const { values, positionals } = parseVerbArgs(argv, OPTIONS);
    if (values.help) {
      io.stdout(CANCEL_HELP);
      return 0;
    }
    const [runId, ...extra] = positionals;
    if (runId === undefined) throw new UsageError("USAGE", "name the run id to cancel");
    if (extra.length > 0) throw new UsageError("USAGE", `unexpected arguments: ${extra.join(" ")}`);
    const format = readFormat(values.format);
    const target = targetOf(values, io);
    if (target !== undefined && values.wait) throw new UsageError("USAGE", "--wait applies to local runs only");
    let status: string;
    if (target === undefined) {
      status = await cancelLocal(values.state ?? ".flows", runId, values.wait, io);
    } else {
      const answer = await cancelRun(target, runId);
      status = typeof answer.status === "string" ? answer.status : "cancelled";
    }
    io.stdout(format === "json" ? `${JSON.stringify({ run_id: runId, status })}\n` : `run ${runId} ${status}\n`);
    return status === "cancelled" ? 0 : EXIT_FAILED;
  } catch (error) {
    return reportUsage(error, io, "cancel");
  }
}
