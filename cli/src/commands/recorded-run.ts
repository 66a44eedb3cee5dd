import { foldJournal, type RunState } from "@flows/kernel";
import { UsageError } from "../exit";
import { isFlowModule } from "../flow-module/load";
import { createFsJournal } from "../local/journal";
import { readRunMeta } from "../local/run-meta";
import { openLocalStore } from "../local/store";
import { type LocalSetup, openLocalRun } from "./run";

/** What a verb may give instead of what the run recorded when it started. */
export interface RecordedRunOverrides {
  readonly flow?: string | undefined;
  readonly nodes?: string | undefined;
  readonly manifest?: string | undefined;
}

/**
 * A local run that exists, opened on the flow file and nodes it was started with (or those
 * given): what resume, event and wake continue. RUN404 when it never started; USAGE when
 * nothing says what to run it with.
 */
export async function openRecordedRun(
  stateDir: string,
  runId: string,
  warn: (line: string) => void,
  overrides?: RecordedRunOverrides,
): Promise<LocalSetup & { readonly state: RunState }> {
  const operator = openLocalStore(stateDir);
  const state = foldJournal(runId, await createFsJournal(operator).read(runId));
  if (state.started === undefined) throw new UsageError("RUN404", `no run ${runId} under ${stateDir}`);
  const meta = await readRunMeta(operator, runId);
  const flowFile = overrides?.flow ?? meta?.flowFile;
  const nodesModule = overrides?.nodes ?? meta?.nodesModule;
  if (flowFile === undefined || (nodesModule === undefined && !isFlowModule(flowFile))) {
    const hint = overrides === undefined ? "" : ": pass --flow and --nodes";
    throw new UsageError("USAGE", `run ${runId} has no recorded flow file or nodes module${hint}`);
  }
  const setup = await openLocalRun(flowFile, nodesModule, stateDir, {
    flow: meta?.flowId,
    manifest: overrides?.manifest,
    warn,
  });
  return { ...setup, state };
}
