export { type LineChannel, openLineChannel } from "./bus/index";
export { type FetchHandler, type ServedFetch, type ServeFetchOptions, serveFetch } from "./http/serve-fetch";
