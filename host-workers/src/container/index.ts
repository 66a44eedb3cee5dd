export { createBusOutbound, type RunJournalRpc } from "./bus-outbound";
export {
  type BusGrant,
  type ContainerAnswer,
  type ContainerCall,
  type ContainerInstance,
  type ContainerStatus,
  createContainerClass,
  type FlowContainerClass,
} from "./container-class";
export type { OperatorAnswer } from "./container-types";
export { CONTAINER_ERROR_CODES, type ContainerErrorCode, type ContainerFailure } from "./errors";
export type { ContainerErrorEvent, ContainerHooks, ContainerStartEvent, ContainerStopEvent } from "./hooks";
export { localContainers } from "./local-containers";
export {
  installLocalEngine,
  LOCAL_ENGINE_BINDINGS,
  LOCAL_NETWORK_PREFIX,
  type LocalEngine,
  type LocalEngineSettings,
  localEngineSettings,
} from "./local-engine";
export { CONTAINER_KEY_FIELD, createPlacement, metaFor, type Placement } from "./placement";
export { containers } from "./project-containers";
export { containerRoutes } from "./routes";
export { type ContainerSettings, containerSettings, type RestartPolicy } from "./settings";
export { type ContainerEnvBuilder, startEnvironment } from "./start-env";
