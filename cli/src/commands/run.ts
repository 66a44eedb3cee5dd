import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { DefinedFlow } from "@flows/define";
import { parseJson, upgradeEarlierKeys, validate } from "@flows/flow-ir";
import type { Kernel, RunEvent, RunStream } from "@flows/kernel";
import { parseVerbArgs } from "../args";
import { reportUsage, UsageError } from "../exit";
import { isFlowModule, loadFlowModule, pickFlow, shownPath } from "../flow-module/load";
import { formatDiagnosticLines } from "../format/text";
import { makeDirs } from "../fs/make-dirs";
import { findManifest, localCapabilitiesFor } from "../local/capabilities";
import { createLocalKernel } from "../local/host";
import { localSuspendAfterMs } from "../local/in-memory-wait";
import { acquireRunLease, type RunLease } from "../local/lease";
import { loadNodes } from "../local/load-nodes";
import { progressPrinter } from "../local/progress";
import { checkRunId } from "../local/run-id";
import { writeRunMeta } from "../local/run-meta";
import { openLocalStore } from "../local/store";
import { readManifest } from "../manifest/read";
import { type RunIo, readJsonInput, readTimeout, reportOutcome } from "./run-io";

export const RUN_HELP = `Usage: flows run <flow.ts|flow.js|flow.json> [--nodes <module>] [options]

Runs a flow locally: a module exporting defined flows (defineFlow from @flows/define,
which carry their node implementations), or a Flow IR file with --nodes. The journal, the idempotency ledger and run state live under
the state directory through OpenDAL's fs service, so a run can be resumed, inspected,
or re-run by id (completed nodes are replayed, not executed again).

Options:
  --nodes <module>     node implementations (.ts or .js); default export is a registry
                       { "identifier": (input, ctx) => output } or a function returning one;
                       required for a Flow IR file, optional for a flow module (it wins)
  --flow <id>          which flow of a module that defines several
  --input <json|@file> trigger payload (default: null)
  --trigger <alias>    trigger to invoke (default: the flow's only trigger)
  --capture <alias>    node whose output is the result (default: the flow's only sink)
  --run-id <id>        run id (1–128 of A-Z a-z 0-9 . _ : -); re-using one continues
                       that run from its journal
  --wait               if another process is executing this run, wait for it instead
                       of failing with RUN409
  --timeout <ms>       deadline for the whole invocation (TIME015 when exceeded)
  --manifest <file>    project manifest: which provider backs each capability
                       (default: flows.config.json beside the flow file). Local runs use
                       memory and OpenDAL providers; opendal.fs data goes to <state>/caps/
  --state <dir>        state directory (default: .flows)
  --quiet              no per-node progress on stderr
  -h, --help           show this help

Output: the captured result on stdout as NDJSON (one line per value when the capture
node streams), a halt record when the run waits at a checkpoint.
Exit codes: 0 completed or halted, 1 the run failed or was cancelled, or another process
is executing it (RUN409), 2 usage or read error (RUN400: a malformed run id).

Examples:
  flows run examples/order-approval/order-approval.flow.ts \\
    --input @examples/order-approval/small-order.json
  flows run examples/order-approval/order-approval.flow.json \\
    --nodes examples/order-approval/nodes.ts --input @examples/order-approval/small-order.json
`;

const OPTIONS = {
  nodes: { type: "string" },
  flow: { type: "string" },
  input: { type: "string" },
  trigger: { type: "string" },
  capture: { type: "string" },
  "run-id": { type: "string" },
  timeout: { type: "string" },
  state: { type: "string" },
  manifest: { type: "string" },
  quiet: { type: "boolean" },
  wait: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

export interface LocalSetup {
  readonly kernel: Kernel;
  readonly flowId: string;
  readonly stateDir: string;
}

export interface LocalRunOptions {
  /** With a module of several flows: which one (id or name). */
  readonly flow?: string | undefined;
  /** The manifest named by `--manifest` (default: flows.config.json beside the flow, if any). */
  readonly manifest?: string | undefined;
  /** Where the manifest's warnings go, one `file:line:col  CODE  message` line each. */
  readonly warn?: (line: string) => void;
}

/** The flow to run: a Flow IR file's document, or a flow of a module of defined flows. */
export async function readRunnableFlow(flowFile: string, stateDir: string, wanted: string | undefined) {
  if (isFlowModule(flowFile)) {
    const flow = pickFlow(await loadFlowModule(flowFile, { stateDir }), flowFile, wanted);
    return { source: flow as unknown, document: flow.toFlowIR() as unknown, defined: flow };
  }
  let text: string;
  try {
    text = readFileSync(flowFile, "utf8");
  } catch {
    throw new UsageError("READ404", `cannot read flow file ${flowFile}`);
  }
  const parsed = parseJson(text);
  if (!parsed.ok) throw new UsageError("FLOW001", `${flowFile}: ${parsed.diagnostic.message}`);
  return { source: parsed.value, document: parsed.value, defined: undefined };
}

/** IMPL001 before anything runs, at the TypeScript line of each node declared without `run`. */
function missingImplementations(defined: DefinedFlow): void {
  const missing = defined.unimplemented();
  if (missing.length === 0) return;
  const document = defined.toFlowIR() as { nodes?: { alias: string }[] };
  const sourceMap = defined.sourceMap();
  const where = missing.map((alias) => {
    const index = (document.nodes ?? []).findIndex((node) => node.alias === alias);
    const location = sourceMap.nodes[index];
    return location === undefined
      ? `node "${alias}"`
      : `node "${alias}" (${shownPath(location.file)}:${location.line}:${location.column})`;
  });
  throw new UsageError(
    "IMPL001",
    `no implementation for ${where.join(", ")}: give each a \`run\`, or pass --nodes with a registry for their identifiers`,
  );
}

/** Reads and validates the flow (file or module), loads the nodes, opens the local kernel. */
export async function openLocalRun(
  flowFile: string,
  nodesModule: string | undefined,
  stateDir: string,
  options: LocalRunOptions = {},
): Promise<LocalSetup> {
  const { source, document, defined } = await readRunnableFlow(flowFile, stateDir, options.flow);
  // Earlier surface keys still run (as in the kernel), each with a CTRL134 warning.
  const upgraded = upgradeEarlierKeys(document);
  for (const warning of upgraded.warnings) options.warn?.(`${flowFile}: ${warning.code} ${warning.message}`);
  const result = validate(upgraded.document);
  if (!result.ok || result.flow === undefined) {
    const first = result.diagnostics.filter((d) => d.severity === "error").slice(0, 5);
    throw new UsageError(
      "VALID400",
      `${flowFile} is not a valid flow:\n${first.map((d) => `  ${d.code} ${d.path} ${d.message}`).join("\n")}\nRun "flows validate ${flowFile}" for every finding.`,
    );
  }
  if (nodesModule === undefined && defined === undefined) {
    throw new UsageError("USAGE", "--nodes <module> is required for a Flow IR file (a flow module carries its own)");
  }
  if (nodesModule === undefined && defined !== undefined) missingImplementations(defined);
  const manifestPath = findManifest(flowFile, options.manifest);
  const read = manifestPath === undefined ? undefined : readManifest(manifestPath);
  if (read?.warnings !== undefined && options.warn !== undefined) {
    for (const line of formatDiagnosticLines([read.warnings], { color: false })) options.warn(line);
  }
  const manifest = read?.manifest;
  // Capabilities are checked (CAP101, DAG203) before the node module is even loaded.
  const capabilities = await localCapabilitiesFor(result.flow, manifest, stateDir);
  const nodes = nodesModule === undefined ? undefined : await loadNodes(nodesModule, { stateDir });
  const kernel = createLocalKernel({
    root: stateDir,
    flows: [source],
    ...(nodes === undefined ? {} : { nodes }),
    ...(capabilities === undefined ? {} : { capabilities }),
  });
  const problem = kernel.preflight(result.flow.id);
  if (problem) throw new UsageError(problem.code, problem.message);
  return { kernel, flowId: result.flow.id, stateDir };
}

/** Streams the capture node's values to stdout as NDJSON while the run goes on. */
export async function printStream(stream: RunStream, io: RunIo): Promise<void> {
  try {
    for await (const value of stream.values) io.stdout(`${JSON.stringify(value ?? null)}\n`);
  } catch {
    // The outcome reports the failure with its code.
  }
}

/** Per-node progress on stderr for a terminal (or when FLOWS_PROGRESS=1 asks for it). */
export function progressFor(io: RunIo, quiet: boolean | undefined): ((event: RunEvent) => void) | undefined {
  const wanted = io.isTTY.stderr || io.env.FLOWS_PROGRESS === "1";
  return wanted && quiet !== true ? progressPrinter((text) => io.stderr(text)) : undefined;
}

/** Takes the run's lease (RUN409 when another process holds it, unless `--wait`). */
export function leaseRun(stateDir: string, runId: string, wait: boolean | undefined, io: RunIo): Promise<RunLease> {
  return acquireRunLease(stateDir, runId, {
    wait: wait === true,
    onWait: (pid) => io.stderr(`run ${runId} is being executed by process ${pid}: waiting\n`),
  });
}

export async function runCommand(argv: readonly string[], io: RunIo): Promise<number> {
  let lease: RunLease | undefined;
  try {
    const { values, positionals } = parseVerbArgs(argv, OPTIONS);
    if (values.help) {
      io.stdout(RUN_HELP);
      return 0;
    }
    const [flowFile, ...extra] = positionals;
    if (flowFile === undefined) throw new UsageError("USAGE", "name the flow file to run");
    if (extra.length > 0) throw new UsageError("USAGE", `unexpected arguments: ${extra.join(" ")}`);
    const timeoutMs = readTimeout(values.timeout);
    const payload = readJsonInput(values.input, "--input");
    const runId = values["run-id"] === undefined ? randomUUID() : checkRunId(values["run-id"]);
    const stateDir = makeDirs(values.state ?? ".flows", "STATE400", "state directory");
    lease = await leaseRun(stateDir, runId, values.wait, io);
    const { kernel, flowId } = await openLocalRun(flowFile, values.nodes, stateDir, {
      flow: values.flow,
      manifest: values.manifest,
      warn: (line) => io.stderr(`flows run: ${line}\n`),
    });
    const onEvent = progressFor(io, values.quiet);
    const stream = kernel.stream({
      flow: flowId,
      payload,
      ...(values.trigger === undefined ? {} : { trigger: values.trigger }),
      ...(values.capture === undefined ? {} : { capture: values.capture }),
      runId,
      suspendAfterMs: localSuspendAfterMs(),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      ...(onEvent === undefined ? {} : { onEvent }),
    });
    await writeRunMeta(openLocalStore(stateDir), stream.runId, {
      flowFile: resolve(flowFile),
      ...(values.nodes === undefined ? {} : { nodesModule: resolve(values.nodes) }),
      flowId,
    });
    await printStream(stream, io);
    return reportOutcome(await stream.outcome, io);
  } catch (error) {
    return reportUsage(error, io, "run");
  } finally {
    lease?.release();
  }
}
