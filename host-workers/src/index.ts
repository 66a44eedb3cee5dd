export type { FlowWorkerConfig, WorkerEnv } from "./config";
export type { FlowContainerClass } from "./container/container-class";
export type { ContainerEnvBuilder } from "./container/start-env";
export { createFlowWorker } from "./create-flow-worker";
export { errorResponse, statusFor } from "./envelope";
export {
  createProjectWorker,
  type ProjectContainers,
  type ProjectFlowConfig,
  type ProjectWorker,
  type ProjectWorkerConfig,
} from "./project-worker";
export { createResumeToken, type ResumeClaims, verifyResumeToken } from "./resume-token";
export type { FlowRunObjectClass } from "./run-object";
export { createSqlJournal } from "./sql-journal";
