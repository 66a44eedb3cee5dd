export { createBusOutbound, type RunJournalRpc } from "./bus-outbound";
export {
  type BusGrant,
  type ContainerAnswer,
  type ContainerCall,
  type ContainerErrorEvent,
  type ContainerHooks,
  type ContainerInstance,
  type ContainerStartEvent,
  type ContainerStatus,
  type ContainerStopEvent,
  createContainerClass,
  type FlowContainerClass,
  type OperatorAnswer,
} from "./container-class";
export { CONTAINER_ERROR_CODES, type ContainerErrorCode, type ContainerFailure } from "./errors";
export { localContainers, withLocalEngine } from "./local-containers";
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
