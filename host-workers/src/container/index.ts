export { createBusOutbound, type RunJournalRpc } from "./bus-outbound";
export {
  type BusGrant,
  type ContainerAnswer,
  type ContainerCall,
  type ContainerInstance,
  type ContainerStatus,
  createContainerClass,
} from "./container-class";
export { CONTAINER_ERROR_CODES, type ContainerErrorCode, type ContainerFailure } from "./errors";
export { CONTAINER_KEY_FIELD, createPlacement, metaFor, type Placement } from "./placement";
export { containerRoutes } from "./routes";
export { type ContainerSettings, containerSettings, type RestartPolicy } from "./settings";
