import { parseVerbArgs } from "../args";
import { reportUsage, UsageError } from "../exit";
import { makeDirs } from "../fs/make-dirs";
import { localSuspendAfterMs } from "../local/in-memory-wait";
import type { RunLease } from "../local/lease";
import { checkRunId } from "../local/run-id";
import { namesWorker, remoteTarget } from "../remote/target";
import { openRecordedRun } from "./recorded-run";
import { resumeRemote } from "./resume-remote";
import { leaseRun, printStream, progressFor } from "./run";
import { type RunIo, readJsonInput, readTimeout, reportOutcome } from "./run-io";

export const RESUME_HELP = `Usage: flows resume <run-id> --checkpoint <id> [--input <json|@file>] [options]
       flows resume <run-id> --url <url> [--checkpoint <id>] [--input <json|@file>]

Continues a run that halted at a checkpoint, handing the payload to the node that
halted (ctx.halt resolves with it). The run continues from its journal: nodes that
completed before the halt are not executed again. Works from any process that can
read the state directory; with --url (or FLOWS_URL), a Worker's run (flows dev or
deployed) through POST /runs/:id/resume.

Options:
  --checkpoint <id>    the checkpoint the run waits at (see "flows inspect <run-id>");
                       with --url it is checked when given, else read from the run
  --input <json|@file> resume payload (default: null)
  --resume-token <t>   resume token printed when the run halted (default: read from the
                       journal, or from GET /runs/:id with --url)
  --token <token>      with --url: the Worker's API token (default: FLOWS_API_TOKEN);
                       without: the resume token, as --resume-token (earlier scripts)
  --url <url>          resume a Worker's run (default: FLOWS_URL)
  --request-timeout <ms>  with --url: how long to wait for the Worker (default: 30000)
  --flow <file>        flow file or flow module (default: the one the run was started with)
  --nodes <module>     node implementations (default: the ones the run was started with)
  --timeout <ms>       deadline for the rest of the run
  --manifest <file>    project manifest: which provider backs each capability
                       (default: flows.config.json beside the flow file). Local runs use
                       memory and OpenDAL providers; opendal.fs data goes to <state>/caps/
  --state <dir>        state directory (default: .flows)
  --wait               if another process is executing this run, wait for it instead
                       of failing with RUN409
  --quiet              no per-node progress on stderr
  -h, --help           show this help

Exit codes: 0 completed or halted again, 1 failed or refused (HALT403, HALT404, RUN409), 2 usage.
`;

const OPTIONS = {
  checkpoint: { type: "string" },
  input: { type: "string" },
  token: { type: "string" },
  "resume-token": { type: "string" },
  url: { type: "string" },
  "request-timeout": { type: "string" },
  flow: { type: "string" },
  nodes: { type: "string" },
  timeout: { type: "string" },
  state: { type: "string" },
  manifest: { type: "string" },
  quiet: { type: "boolean" },
  wait: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

export async function resumeCommand(argv: readonly string[], io: RunIo): Promise<number> {
  let lease: RunLease | undefined;
  try {
    const { values, positionals } = parseVerbArgs(argv, OPTIONS);
    if (values.help) {
      io.stdout(RESUME_HELP);
      return 0;
    }
    const [runId, ...extra] = positionals;
    if (runId === undefined) throw new UsageError("USAGE", "name the run id to resume");
    if (extra.length > 0) throw new UsageError("USAGE", `unexpected arguments: ${extra.join(" ")}`);
    // Without a Worker, --token is the resume token, as it was before Workers could be named.
    // An explicit --state means a local run even when FLOWS_URL is set.
    const remote = values.url !== undefined || (values.state === undefined && namesWorker(undefined, io.env));
    const target = remote
      ? remoteTarget({ url: values.url, token: values.token, requestTimeout: values["request-timeout"] }, io.env)
      : undefined;
    if (target !== undefined) {
      const local = (["state", "flow", "nodes", "manifest", "wait", "timeout"] as const).filter(
        (name) => values[name] !== undefined,
      );
      if (local.length > 0) {
        throw new UsageError(
          "USAGE",
          `--${local.join(", --")} only apply to local runs, not with --url (or FLOWS_URL)`,
        );
      }
      return await resumeRemote(target, runId, {
        checkpoint: values.checkpoint,
        resumeToken: values["resume-token"],
        payload: readJsonInput(values.input, "--input"),
        io,
      });
    }
    if (values.checkpoint === undefined) throw new UsageError("USAGE", "--checkpoint <id> is required");
    const timeoutMs = readTimeout(values.timeout);
    const payload = readJsonInput(values.input, "--input");
    checkRunId(runId);
    const stateDir = makeDirs(values.state ?? ".flows", "STATE400", "state directory");
    // Taken before the journal is read: the state it shows cannot change under this process.
    lease = await leaseRun(stateDir, runId, values.wait, io);
    const { kernel, state } = await openRecordedRun(stateDir, runId, (line) => io.stderr(`flows resume: ${line}\n`), {
      flow: values.flow,
      nodes: values.nodes,
      manifest: values.manifest,
    });
    const token = values["resume-token"] ?? values.token ?? state.halt?.token ?? "";
    const onEvent = progressFor(io, values.quiet);
    const stream = kernel.resumeStream({
      runId,
      checkpoint: values.checkpoint,
      token,
      payload,
      suspendAfterMs: localSuspendAfterMs(),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      ...(onEvent === undefined ? {} : { onEvent }),
    });
    await printStream(stream, io);
    return reportOutcome(await stream.outcome, io);
  } catch (error) {
    return reportUsage(error, io, "resume");
  } finally {
    lease?.release();
  }
}
