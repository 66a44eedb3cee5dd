export {
  type LineChannel,
  type LineDispatcher,
  openLineChannel,
  type ServeOptions,
  serveBusOnStreams,
} from "./bus/index";
