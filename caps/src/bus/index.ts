export { base64ToBytes, bytesToBase64 } from "./base64";
export { capErrorFromBus } from "./cap-error";
export { BusCallError, type BusClient, type BusClientOptions, type CallOptions, createBusClient } from "./client";
export { type BusDispatcherOptions, type BusHandlers, createBusDispatcher } from "./dispatcher";
export {
  type BusCancel,
  type BusError,
  type BusRequest,
  type BusResponse,
  busError,
  DEFAULT_MAX_FRAME_BYTES,
  encodeFrame,
} from "./frames";
export { createLineReader, type LineReaderOptions } from "./line-reader";
