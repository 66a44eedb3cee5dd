export { type LineChannel, openLineChannel } from "./bus/index";
