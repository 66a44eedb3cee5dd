import type { FlowIR } from "@flows/flow-ir";
import type { FlowCatalog } from "./flow-catalog";
import type { JournalStore } from "./journal";
import { foldJournal } from "./run-state";
import { nodeValues, runDetail } from "./run-view";
import type { NodeValues, RunDetail } from "./run-view-wire";

/**
 * A run's journal with the document of the version it started on, as the kernel read it
 * (validated, defaults applied): the view's graph and inputs come from the flow the run ran.
 * A flow the kernel no longer has leaves the view with the journal's nodes only.
 */
async function recorded(journal: JournalStore, catalog: FlowCatalog, runId: string) {
  const entries = await journal.read(runId);
  const state = foldJournal(runId, entries);
  let flow: FlowIR | undefined;
  if (state.started !== undefined) {
    const current = catalog.load(state.started.flow);
    const pinned = "plan" in current ? catalog.pinned(runId, state, current) : current;
    if ("plan" in pinned) flow = pinned.flow;
  }
  return { entries, flow };
}

export async function inspectRun(
  journal: JournalStore,
  catalog: FlowCatalog,
  runId: string,
): Promise<RunDetail | undefined> {
  const { entries, flow } = await recorded(journal, catalog, runId);
  return runDetail(runId, entries, flow);
}

export async function inspectNode(
  journal: JournalStore,
  catalog: FlowCatalog,
  runId: string,
  node: string,
): Promise<NodeValues | undefined> {
  const { entries, flow } = await recorded(journal, catalog, runId);
  return nodeValues(runId, entries, node, flow);
}
