import {
  type ControlSurfaceIR,
  type FlowIR,
  parseErrorHandlerConfig,
  parseForEachConfig,
  parseIfConfig,
  parseSwitchConfig,
  parseTimeoutConfig,
  type RateLimit,
  readRateLimit,
} from "@flows/flow-ir";
import type { RetryPolicy } from "./backoff";
import { type FlowError, KernelError } from "./errors";
import type { ForEachPlan } from "./plan";
import { select } from "./pointer";

/** Decides which of a source's branch targets receive its output. */
export interface Router {
  readonly surface: string;
  /** Every target this surface may route to; the ones not chosen are skipped. */
  readonly branches: ReadonlySet<string>;
  choose(output: unknown): ReadonlySet<string>;
}

export interface SurfacePlan {
  readonly ok: true;
  readonly routers: Map<string, Router[]>;
  readonly errorHandlers: Map<string, { retry: RetryPolicy | undefined; onError: "fail" | "continue" }>;
  readonly timeouts: Map<string, number>;
  readonly rateLimits: Map<string, RateLimit>;
  readonly forEach: Map<string, ForEachPlan>;
}

const UNSUPPORTED = new Set(["loop", "window", "partition"]);

function switchKey(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value ?? null);
}

function invalid(surface: ControlSurfaceIR, problems: readonly { message: string }[]): { ok: false; error: FlowError } {
  return {
    ok: false,
    error: new KernelError(
      "VALID400",
      `control surface "${surface.id}" (${surface.kind}) is misconfigured: ${problems.map((p) => p.message).join("; ")}`,
      { surface: surface.id, kind: surface.kind },
    ).toJSON(),
  };
}

/** Reads every control surface into run-time behaviour; unknown kinds fail with CTRL901 before anything runs. */
export function readSurfaces(flow: FlowIR): SurfacePlan | { ok: false; error: FlowError } {
  const plan: SurfacePlan = {
    ok: true,
    routers: new Map(),
    errorHandlers: new Map(),
    timeouts: new Map(),
    rateLimits: new Map(),
    forEach: new Map(),
  };
  const addRouter = (source: string, router: Router) => {
    const list = plan.routers.get(source) ?? [];
    list.push(router);
    plan.routers.set(source, list);
  };
  for (const surface of flow.control_surfaces) {
    if (UNSUPPORTED.has(surface.kind)) {
      return {
        ok: false,
        error: new KernelError(
          "CTRL901",
          `control surface "${surface.id}" of kind "${surface.kind}" is not implemented by this host: remove it or run the flow on a host that supports it`,
          { surface: surface.id, kind: surface.kind },
        ).toJSON(),
      };
    }
    switch (surface.kind) {
      case "switch": {
        const parsed = parseSwitchConfig(surface.config);
        if (!parsed.ok) return invalid(surface, parsed.problems);
        const { source, selector_pointer: pointer, cases } = parsed.config;
        const fallback = parsed.config.default;
        const branches = new Set<string>([...Object.values(cases), ...(fallback === undefined ? [] : [fallback])]);
        addRouter(source, {
          surface: surface.id,
          branches,
          choose: (output) => {
            const target = cases[switchKey(select(output, pointer))] ?? fallback;
            return new Set(target === undefined ? [] : [target]);
          },
        });
        break;
      }
      case "if": {
        const parsed = parseIfConfig(surface.config);
        if (!parsed.ok) return invalid(surface, parsed.problems);
        const { source, selector_pointer: pointer, then, else: otherwise } = parsed.config;
        addRouter(source, {
          surface: surface.id,
          branches: new Set([then, otherwise]),
          choose: (output) => new Set([select(output, pointer) ? then : otherwise]),
        });
        break;
      }
      case "error_handler": {
        const parsed = parseErrorHandlerConfig(surface.config);
        if (!parsed.ok) return invalid(surface, parsed.problems);
        const config = parsed.config;
        for (const target of config.scope.nodes) {
          plan.errorHandlers.set(target, {
            onError: config.strategy === "continue" ? "continue" : "fail",
            retry:
              config.strategy === "retry"
                ? {
                    maxRetries: config.max_retries,
                    backoffMs: config.backoff_ms,
                    maxBackoffMs: config.max_backoff_ms,
                    jitter: config.jitter,
                  }
                : undefined,
          });
        }
        break;
      }
      case "timeout": {
        const parsed = parseTimeoutConfig(surface.config);
        if (!parsed.ok) return invalid(surface, parsed.problems);
        for (const target of surface.targets) {
          plan.timeouts.set(
            target,
            Math.min(plan.timeouts.get(target) ?? Number.POSITIVE_INFINITY, parsed.config.timeout_ms),
          );
        }
        break;
      }
      case "rate_limit": {
        const parsed = readRateLimit(surface.config, surface.targets);
        if (!parsed.ok) return invalid(surface, parsed.problems);
        for (const target of parsed.config.targets) plan.rateLimits.set(target, parsed.config);
        break;
      }
      case "for_each": {
        const parsed = parseForEachConfig(surface.config);
        if (!parsed.ok) return invalid(surface, parsed.problems);
        plan.forEach.set(parsed.config.body_entry, {
          source: parsed.config.source,
          itemsPointer: parsed.config.items_pointer,
          concurrency: parsed.config.concurrency,
        });
        break;
      }
    }
  }
  return plan;
}
