export type { FlowWorkerConfig, WorkerEnv } from "./config";
export { createFlowWorker } from "./create-flow-worker";
export { errorResponse, statusFor } from "./envelope";
export { createProjectWorker, workersCapabilities } from "./project-worker";
export { createResumeToken, type ResumeClaims, verifyResumeToken } from "./resume-token";
export { createSqlJournal } from "./sql-journal";
