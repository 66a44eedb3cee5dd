import {
  DEFAULT_BACKOFF_MS,
  DEFAULT_FOR_EACH_CONCURRENCY,
  DEFAULT_JITTER,
  DEFAULT_MAX_BACKOFF_MS,
  DEFAULT_MAX_RETRIES,
  type ErrorHandlerConfig,
  type ForEachConfig,
  type IfConfig,
  type RateLimit,
  type SwitchConfig,
  type TimeoutConfig,
} from "@flows/flow-ir";

// Surface configs read as already checked (`checkSurfaceConfigs`, when the flow was read or
// published): the schemas' defaults applied, nothing validated, so a Worker does not bundle
// the schemas. Each read still tolerates a malformed value without throwing, because the run
// view also reads surfaces of flows it is only shown.

/** The config's own fields, each possibly missing; `{}` for anything that is no JSON object. */
const objectOf = <T>(value: unknown): Partial<T> =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Partial<T>) : {};

const isCount = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 1;

export const switchConfig = (config: unknown): SwitchConfig => {
  const read = objectOf<SwitchConfig>(config);
  return { ...read, cases: objectOf<SwitchConfig["cases"]>(read.cases) } as SwitchConfig;
};

export const ifConfig = (config: unknown): IfConfig => objectOf<IfConfig>(config) as IfConfig;

export const timeoutConfig = (config: unknown): TimeoutConfig => objectOf<TimeoutConfig>(config) as TimeoutConfig;

// `??` gives the default where the field is missing, as valibot's `optional(…, default)` does
// (JSON has no `undefined`; a `null` was refused when the config was checked).
export const errorHandlerConfig = (config: unknown): ErrorHandlerConfig => {
  const read = objectOf<ErrorHandlerConfig>(config);
  return {
    ...read,
    scope: { nodes: [], ...read.scope },
    max_retries: read.max_retries ?? DEFAULT_MAX_RETRIES,
    backoff_ms: read.backoff_ms ?? DEFAULT_BACKOFF_MS,
    max_backoff_ms: read.max_backoff_ms ?? DEFAULT_MAX_BACKOFF_MS,
    jitter: read.jitter ?? DEFAULT_JITTER,
  } as ErrorHandlerConfig;
};

export const forEachConfig = (config: unknown): ForEachConfig => {
  const read = objectOf<ForEachConfig>(config);
  return { ...read, concurrency: read.concurrency ?? DEFAULT_FOR_EACH_CONCURRENCY } as ForEachConfig;
};

interface RateLimitFields {
  readonly limit: unknown;
  readonly window_ms: unknown;
  readonly target: string;
  readonly qps: number;
  readonly burst: number;
}

/** As `readRateLimit`: the earlier `{ limit, window_ms }` shape when both are whole numbers ≥ 1, else Lattice's. */
export const rateLimit = (config: unknown, targets: readonly string[]): RateLimit => {
  const read = objectOf<RateLimitFields>(config);
  if (isCount(read.limit) && isCount(read.window_ms)) {
    return { kind: "sliding_window", targets, limit: read.limit, windowMs: read.window_ms };
  }
  return {
    kind: "token_bucket",
    targets: [read.target ?? ""],
    capacity: read.burst ?? 0,
    refillPerMs: (read.qps ?? 0) / 1000,
  };
};
