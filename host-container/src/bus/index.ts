export { type LineChannel, openLineChannel } from "./stream-channel";
