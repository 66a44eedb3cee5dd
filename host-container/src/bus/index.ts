export { type LineDispatcher, type ServeOptions, serveBusOnStreams } from "./serve-streams";
export { type LineChannel, openLineChannel } from "./stream-channel";
