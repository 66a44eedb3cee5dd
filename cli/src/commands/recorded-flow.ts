import type { FlowIR } from "@flows/flow-ir";
import { upgradeEarlierKeys, validate } from "@flows/flow-ir";
import { flowVersion, type RunState } from "@flows/kernel";
import { readRunMeta } from "../local/run-meta";
import { openLocalStore } from "../local/store";
import { readRunnableFlow } from "./run";

/**
 * The flow document a local run started on, read again from the file it recorded, for the
 * run view's graph and inputs. Undefined when the file is gone, no longer valid, or now holds
 * another version: a view from a changed graph would show inputs the nodes never got.
 */
export async function recordedFlow(stateDir: string, state: RunState): Promise<FlowIR | undefined> {
  try {
    const meta = await readRunMeta(openLocalStore(stateDir), state.runId);
    if (meta === undefined) return undefined;
    const { document } = await readRunnableFlow(meta.flowFile, stateDir, meta.flowId);
    const result = validate(upgradeEarlierKeys(document).document);
    if (!result.ok || result.flow === undefined) return undefined;
    const recorded = state.started?.version;
    if (recorded !== undefined && recorded !== flowVersion(result.flow)) return undefined;
    return result.flow;
  } catch {
    return undefined;
  }
}
