export { createLineWriter, FLUSH_BYTES, FLUSH_LINES, type LineWriter } from "./line-writer";
export { type ServeOptions, serveBusOnStreams } from "./serve-streams";
export { type LineChannel, openLineChannel } from "./stream-channel";
