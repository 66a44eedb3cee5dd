// Its own entry point because it imports cloudflare:workers: only a Worker bundle loads it.
export { FlowStateObject } from "./object";
