import { type NodeRegistry, readFlowSources } from "@flows/kernel";
import type { FlowWorkerConfig, WorkerEnv } from "./config";

/**
 * Flows may be documents or defined flows (`@flows/define`): the rest of the host sees only
 * documents, and the implementations defined flows carry join `nodes` (which win).
 */
export function withFlowSources<Env extends WorkerEnv, C extends Pick<FlowWorkerConfig<Env>, "flows" | "nodes">>(
  config: C,
): C & { readonly nodes: NodeRegistry | ((env: Env) => NodeRegistry) } {
  const { documents, nodes: carried } = readFlowSources(config.flows);
  const own = config.nodes;
  const nodes =
    typeof own === "function" ? (env: Env) => ({ ...carried, ...own(env) }) : { ...carried, ...(own ?? {}) };
  return { ...config, flows: documents, nodes };
}
