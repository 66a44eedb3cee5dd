export { type AppRoutes, type ContainerApp, prepareApp } from "./app";
export { type BusConnection, type BusSession, connectBus } from "./bus/connect";
export {
  createLineWriter,
  FLUSH_BYTES,
  FLUSH_LINES,
  type LineChannel,
  type LineWriter,
  openLineChannel,
  type ServeOptions,
  serveBusOnStreams,
} from "./bus/index";
export { busMessageLimits, containerCapabilities } from "./caps";
export { ContainerStartError } from "./errors";
export { type FetchHandler, type ServedFetch, type ServeFetchOptions, serveFetch } from "./http/serve-fetch";
export {
  DEFAULT_GRACE_MS,
  DEFAULT_PORT,
  type RunningContainer,
  type StartContainerOptions,
  startContainer,
} from "./start";
