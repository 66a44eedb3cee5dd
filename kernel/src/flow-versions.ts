import type { FlowIR } from "@flows/flow-ir";
import type { FlowError } from "./errors";
import type { FlowPlan } from "./plan";

/** A flow ready to run: its document, its plan and the content hash its runs are pinned to. */
export interface LoadedFlow {
  readonly flow: FlowIR;
  readonly plan: FlowPlan;
  /** Content hash of the document, recorded in `started` and checked when the run goes on. */
  readonly version: string;
}

/**
 * Earlier versions of the registered flows, kept so a run that started on one goes on with
 * the graph it started with after the flow changed. Read and planned on the first run that
 * asks for an earlier version, never before: most kernels never do.
 */
export function createEarlierVersions(
  documents: readonly unknown[],
  load: (document: unknown) => LoadedFlow | FlowError,
): (flowId: string, version: string) => LoadedFlow | undefined {
  let byVersion: Map<string, LoadedFlow> | undefined;
  const index = () => {
    const found = new Map<string, LoadedFlow>();
    for (const document of documents) {
      const loaded = load(document);
      // An earlier document that no longer reads or plans cannot carry a run: its runs get
      // FLOW409 as if it had not been kept.
      if ("plan" in loaded) found.set(`${loaded.flow.id}@${loaded.version}`, loaded);
    }
    return found;
  };
  return (flowId, version) => {
    byVersion ??= index();
    return byVersion.get(`${flowId}@${version}`);
  };
}
