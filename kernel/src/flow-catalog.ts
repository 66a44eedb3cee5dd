import type { FlowIR } from "@flows/flow-ir";
import { type FlowError, KernelError } from "./errors";
import { parseOnce, readOnce, versionOnce } from "./flow-cache";
import { type FlowReader, plainJson } from "./flow-reader";
import { createEarlierVersions, type LoadedFlow } from "./flow-versions";
import type { Logger } from "./host";
import type { NodeRegistry } from "./nodes";
import { planFlow } from "./plan";
import type { RunState } from "./run-state";

/** The flows a kernel runs, by id and by name, each read and planned on its first use. */
export interface FlowCatalog {
  /** The flow behind an id or name, or the error every run of it fails with. */
  load(name: string): LoadedFlow | FlowError;
  /** Whether a subflow node's identifier names a registered flow. */
  isFlow(identifier: string): boolean;
  /**
   * The version of the flow the run started on: the current one, or a kept earlier one
   * (`earlierFlows`). FLOW409 when neither: replaying its journal against a changed graph
   * could skip or repeat work. Runs journaled before versions were recorded go on.
   */
  pinned(runId: string, state: RunState, current: LoadedFlow): LoadedFlow | FlowError;
}

export function createFlowCatalog(
  documents: readonly unknown[],
  earlierDocuments: readonly unknown[],
  nodes: NodeRegistry,
  readFlow: FlowReader,
  logger: Logger,
): FlowCatalog {
  // Documents by id and by name. Each is read on its first use, not here: a host that builds
  // a kernel per run (a run Durable Object) pays only for the flow it runs.
  const sources = new Map<string, unknown>();
  const unreadable = new Map<string, FlowError>();
  documents.forEach((document, index) => {
    let value = document;
    if (typeof document === "string") {
      const parsed = parseOnce(document, readFlow.parseText ?? plainJson);
      if (!parsed.ok) {
        unreadable.set(
          `#${index}`,
          new KernelError("VALID400", `flow #${index} is not valid: FLOW001 ${parsed.diagnostic.message}`, {
            flow: `#${index}`,
            diagnostics: [parsed.diagnostic],
          }).toJSON(),
        );
        return;
      }
      value = parsed.value;
    }
    const named = value as { id?: unknown; name?: unknown } | null;
    sources.set(typeof named?.id === "string" ? named.id : `#${index}`, value);
    if (typeof named?.name === "string") sources.set(named.name, value);
  });
  const isFlow = (identifier: string) => sources.has(identifier);
  const read = (document: unknown, name: string) =>
    readOnce(readFlow, document, () => readFlow(document, name, logger));
  const planned = (flow: FlowIR): LoadedFlow | FlowError => {
    const plan = planFlow(flow, nodes, isFlow);
    return plan.ok ? { flow, plan: plan.plan, version: versionOnce(flow) } : plan.error;
  };
  const loaded = new Map<unknown, LoadedFlow | FlowError>();
  const load = (name: string): LoadedFlow | FlowError => {
    const source = sources.get(name);
    if (source === undefined) {
      return (
        unreadable.get(name) ??
        new KernelError("FLOW404", `no flow named "${name}": register it with the kernel`, { flow: name }).toJSON()
      );
    }
    let result = loaded.get(source);
    if (result === undefined) {
      const found = read(source, name);
      result = "error" in found ? found.error : planned(found.flow);
      loaded.set(source, result);
    }
    return result;
  };
  const earlierVersion = createEarlierVersions(earlierDocuments, (document) => {
    const id = (document as { id?: unknown } | null)?.id;
    const found = read(document, typeof id === "string" ? id : "");
    return "flow" in found ? planned(found.flow) : found.error;
  });
  return {
    load,
    isFlow,
    pinned(runId, state, current) {
      const recorded = state.started?.version;
      if (recorded === undefined || recorded === current.version) return current;
      const earlier = earlierVersion(current.flow.id, recorded);
      if (earlier !== undefined) return earlier;
      return new KernelError(
        "FLOW409",
        `run ${runId} started on version ${recorded} of flow "${current.flow.id}", but the document given now is version ${current.version} and that version is not kept: continue it with the document it started on`,
        { run_id: runId, flow: current.flow.id, started_version: recorded, given_version: current.version },
      ).toJSON();
    },
  };
}
