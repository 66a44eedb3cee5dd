export type { FlowWorkerConfig, WorkerEnv } from "./config";
export {
  type BusGrant,
  CONTAINER_ERROR_CODES,
  type ContainerErrorCode,
  type ContainerFailure,
  type ContainerInstance,
  type ContainerSettings,
  type ContainerStatus,
  containerSettings,
  createBusOutbound,
  createContainerClass,
  type RestartPolicy,
} from "./container";
export { createFlowWorker } from "./create-flow-worker";
export { errorResponse, statusFor } from "./envelope";
export { createProjectWorker, workersCapabilities } from "./project-worker";
export { createResumeToken, type ResumeClaims, verifyResumeToken } from "./resume-token";
export { createSqlJournal } from "./sql-journal";
