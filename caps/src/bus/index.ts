export {
  DEFAULT_BACKOFF_BASE_MS,
  DEFAULT_BACKOFF_MAX_MS,
  type RetryBackoff,
  retryDelayMs,
} from "./backoff";
export { base64ToBytes, bytesToBase64 } from "./base64";
export { capCaller, capErrorFromBus } from "./cap-error";
export { BusCallError, type BusClient, type BusClientOptions, type CallOptions, createBusClient } from "./client";
export {
  type BusAnswer,
  type BusDispatcherOptions,
  type BusHandlers,
  createBusDispatcher,
  type LineDispatcher,
} from "./dispatcher";
export {
  type BusCancel,
  type BusError,
  type BusRequest,
  type BusResponse,
  busError,
  DEFAULT_MAX_FRAME_BYTES,
  encodeFrame,
  utf8Length,
} from "./frames";
export {
  BUS_HOST,
  createHttpBusChannel,
  DEFAULT_BUS_URL,
  type HttpBusChannel,
  type HttpBusChannelOptions,
  type HttpBusOptions,
  serveBusOverHttp,
} from "./http";
export {
  createBusJournal,
  JOURNAL_IDEMPOTENT_METHODS,
  type JournalBusCaller,
  journalBusHandlers,
} from "./journal";
export { JOURNAL_PAGE_UNITS, type JournalPage, type PagedJournalStore, pageOf } from "./journal-page";
export {
  encodedLimit,
  JOURNAL_MESSAGE_LIMITS,
  type MessageLimit,
  type MessageLimits,
  messageLimitOf,
} from "./limits";
export { createLineReader, type LineReaderOptions } from "./line-reader";
export { FLOWS_META_HEADER, type FlowsMeta, parseFlowsMeta } from "./meta";
export {
  type BusStaging,
  type BusStagingOptions,
  createBusStaging,
  STAGE_PART_BYTES,
  STAGE_WINDOW,
  type StagedRef,
} from "./staging";
export { decodeValueStream, encodeValueStream, NDJSON_TYPE } from "./value-stream";
