import type { Operator } from "opendal";
import { UsageError } from "../exit";
import { isNotFound, parseRecord, segment, TornStateError } from "./store";

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
  let bytes: Buffer;
  try {
    bytes = await operator.read(pathOf(runId));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  try {
    return parseRecord(pathOf(runId), bytes) as RunMeta;
  } catch (error) {
    if (error instanceof TornStateError) throw new UsageError(error.code, error.message);
    throw error;
  }
}
