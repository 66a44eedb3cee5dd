import * as v from "valibot";
import { DEFAULT_BACKOFF_MS, DEFAULT_JITTER, DEFAULT_MAX_BACKOFF_MS, DEFAULT_MAX_RETRIES } from "./defaults";
import { alias, type ConfigResult, nonNegativeInteger, parseConfig, version } from "./parse-config";

export const ERROR_STRATEGIES = ["retry", "fail", "continue"] as const;
export type ErrorStrategy = (typeof ERROR_STRATEGIES)[number];

export const ErrorHandlerConfigSchema = v.pipe(
  v.looseObject({
    v: version,
    scope: v.looseObject(
      { nodes: v.array(alias("each scope node"), "scope.nodes must be an array of node aliases") },
      'scope must be an object { "nodes": [alias, …] }',
    ),
    strategy: v.picklist(ERROR_STRATEGIES, 'strategy must be "retry", "fail" or "continue"'),
    max_retries: v.optional(nonNegativeInteger("max_retries"), DEFAULT_MAX_RETRIES),
    backoff_ms: v.optional(nonNegativeInteger("backoff_ms"), DEFAULT_BACKOFF_MS),
    max_backoff_ms: v.optional(nonNegativeInteger("max_backoff_ms"), DEFAULT_MAX_BACKOFF_MS),
    jitter: v.optional(v.boolean("jitter must be true or false"), DEFAULT_JITTER),
  }),
  v.forward(
    v.check((config) => config.max_backoff_ms >= config.backoff_ms, "max_backoff_ms must be at least backoff_ms"),
    ["max_backoff_ms"],
  ),
);

export type ErrorHandlerConfig = v.InferOutput<typeof ErrorHandlerConfigSchema>;

/**
 * `error_handler`: what happens when a node of `scope.nodes` fails. `retry` re-runs it up to
 * `max_retries` times with exponential backoff; `continue` delivers `null` downstream instead
 * of failing the run; `fail` (the default without a handler) fails the run.
 */
export function parseErrorHandlerConfig(config: unknown): ConfigResult<ErrorHandlerConfig> {
  return parseConfig(ErrorHandlerConfigSchema, config);
}
