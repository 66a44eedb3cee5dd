import type { Operator } from "opendal";
import { isNotFound, segment } from "./store";

/** What `flows resume` needs to find a run's flow and nodes again. */
export interface RunMeta {
  readonly flowFile: string;
  /** Absent when the flow module carries the implementations. */
  readonly nodesModule?: string;
  /** The flow's id, when the flow file is a module that may define several. */
  readonly flowId?: string;
}

const pathOf = (runId: string) => `meta/${segment(runId)}.json`;

export async function writeRunMeta(operator: Operator, runId: string, meta: RunMeta): Promise<void> {
  await operator.write(pathOf(runId), JSON.stringify(meta));
}

export async function readRunMeta(operator: Operator, runId: string): Promise<RunMeta | undefined> {
  try {
    return JSON.parse((await operator.read(pathOf(runId))).toString("utf8")) as RunMeta;
  } catch (error) {
    if (isNotFound(error) || error instanceof SyntaxError) return undefined;
    throw error;
  }
}
