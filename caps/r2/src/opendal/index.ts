export { r2OpendalFsProvider, r2OpendalMemoryProvider, r2OpendalS3Provider } from "./plugins";
export { createOpendalR2Provider, type OpendalR2Options } from "./provider";
