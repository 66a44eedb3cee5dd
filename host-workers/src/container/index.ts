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
export { CONTAINER_ERROR_CODES, type ContainerErrorCode, type ContainerFailure } from "./errors";
export { CONTAINER_KEY_FIELD, createPlacement, metaFor, type Placement } from "./placement";
export { containers } from "./project-containers";
export { containerRoutes } from "./routes";
export { type ContainerSettings, containerSettings, type RestartPolicy } from "./settings";
export { type ContainerEnvBuilder, startEnvironment } from "./start-env";
