import { trustedFlowReader } from "@flows/kernel";
import type { WorkerEnv } from "./config";
import { buildProjectWorker, type ProjectWorker, type ProjectWorkerConfig } from "./project-worker";

/**
 * The entry `flows publish workers` generates calls this: its flows were validated when it was
 * built (defaults applied, earlier keys rewritten) and are embedded as the validator returned
 * them, so the Worker does not validate them again and does not carry the validator.
 * Hand-written Workers use `createProjectWorker` from "@flows/host-workers".
 */
export function createProjectWorker<Env extends WorkerEnv>(given: ProjectWorkerConfig<Env>): ProjectWorker<Env> {
  return buildProjectWorker<Env>({ ...given, readFlow: trustedFlowReader });
}
