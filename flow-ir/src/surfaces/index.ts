export * from "./defaults";
export * from "./earlier-keys";
export * from "./error-handler";
export * from "./for-each";
export * from "./if";
export type { ConfigProblem, ConfigResult } from "./parse-config";
export * from "./rate-limit";
export * from "./switch";
export * from "./timeout";
