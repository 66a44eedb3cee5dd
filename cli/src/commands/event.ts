import { parseVerbArgs } from "../args";
import { EXIT_FAILED, reportUsage, UsageError } from "../exit";
import { makeDirs } from "../fs/make-dirs";
import { localSuspendAfterMs } from "../local/in-memory-wait";
import type { RunLease } from "../local/lease";
import { checkRunId } from "../local/run-id";
import { openRecordedRun } from "./recorded-run";
import { leaseRun, progressFor } from "./run";
import { type RunIo, readJsonInput, reportOutcome } from "./run-io";

export const EVENT_HELP = `Usage: flows event <run-id> <name> [--input <json|@file>] [--id <id>] [options]

Sends an event to a local run. The first ctx.waitFor(name) of the run that matches it
and has not taken an event takes it: a run halted on such a wait goes on now; otherwise
the event is kept in the run's journal for the wait that comes. The same --id sent
twice counts once (without --id, the name and payload make the id).

Options:
  --input <json|@file> the event's payload (default: null)
  --id <id>            the event's id, to tell deliveries of one event from another
  --state <dir>        state directory (default: .flows)
  --wait               if another process is executing this run, wait for it instead
                       of failing with RUN409
  --quiet              no per-node progress on stderr
  -h, --help           show this help

Output: {"status": "woke"|"kept"|"duplicate", "run_id", "event_id"} on stdout, then how
the run stands if it went on. Exit codes: 0 delivered (or a duplicate), 1 refused
(RUN409: the run has finished; EVENT400) or the run failed, 2 usage or no such run (RUN404).
`;

const OPTIONS = {
  input: { type: "string" },
  id: { type: "string" },
  state: { type: "string" },
  wait: { type: "boolean" },
  quiet: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

export async function eventCommand(argv: readonly string[], io: RunIo): Promise<number> {
  let lease: RunLease | undefined;
  try {
    const { values, positionals } = parseVerbArgs(argv, OPTIONS);
    if (values.help) {
      io.stdout(EVENT_HELP);
      return 0;
    }
    const [runId, name, ...extra] = positionals;
    if (runId === undefined || name === undefined) throw new UsageError("USAGE", "name the run id and the event");
    if (extra.length > 0) throw new UsageError("USAGE", `unexpected arguments: ${extra.join(" ")}`);
    checkRunId(runId);
    const payload = readJsonInput(values.input, "--input");
    const stateDir = makeDirs(values.state ?? ".flows", "STATE400", "state directory");
    lease = await leaseRun(stateDir, runId, values.wait, io);
    const { kernel } = await openRecordedRun(stateDir, runId, (line) => io.stderr(`flows event: ${line}\n`));
    const onEvent = progressFor(io, values.quiet);
    const delivery = await kernel.deliver({
      runId,
      name,
      payload,
      ...(values.id === undefined ? {} : { id: values.id }),
      suspendAfterMs: localSuspendAfterMs(),
      ...(onEvent === undefined ? {} : { onEvent }),
    });
    io.stdout(`${JSON.stringify({ status: delivery.status, run_id: runId, event_id: delivery.eventId })}\n`);
    if (delivery.status === "refused") {
      io.stderr(`flows event: ${delivery.error?.code ?? "EVENT400"} ${delivery.error?.message ?? "refused"}\n`);
      return EXIT_FAILED;
    }
    if (delivery.outcome === undefined) {
      io.stderr(`run ${runId}: event ${delivery.status === "duplicate" ? "delivered before" : "kept for its wait"}\n`);
      return 0;
    }
    if (delivery.outcome.status === "completed") {
      io.stdout(`${JSON.stringify(delivery.outcome.output)}\n`);
    }
    return reportOutcome(delivery.outcome, io);
  } catch (error) {
    return reportUsage(error, io, "event");
  } finally {
    lease?.release();
  }
}
