import type { FlowIR, RateLimit } from "@flows/flow-ir";
import type { RetryPolicy } from "./backoff";
import { type FlowError, KernelError } from "./errors";
import type { ForEachPlan } from "./plan";
import { select } from "./pointer";
import { errorHandlerConfig, forEachConfig, ifConfig, rateLimit, switchConfig, timeoutConfig } from "./surface-configs";
import { UNSUPPORTED_SURFACES } from "./surface-kinds";

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

function switchKey(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value ?? null);
}

/**
 * Reads every control surface into run-time behaviour; unknown kinds fail with CTRL901 before
 * anything runs. Configs are read as checked when the flow was read (`checkSurfaceConfigs`).
 */
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
    if (UNSUPPORTED_SURFACES.has(surface.kind)) {
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
        const config = switchConfig(surface.config);
        const { source, selector_pointer: pointer, cases } = config;
        const fallback = config.default;
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
        const { source, selector_pointer: pointer, then, else: otherwise } = ifConfig(surface.config);
        addRouter(source, {
          surface: surface.id,
          branches: new Set([then, otherwise]),
          choose: (output) => new Set([select(output, pointer) ? then : otherwise]),
        });
        break;
      }
      case "error_handler": {
        const config = errorHandlerConfig(surface.config);
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
        const timeout = timeoutConfig(surface.config).timeout_ms;
        for (const target of surface.targets) {
          plan.timeouts.set(target, Math.min(plan.timeouts.get(target) ?? Number.POSITIVE_INFINITY, timeout));
        }
        break;
      }
      case "rate_limit": {
        const limit = rateLimit(surface.config, surface.targets);
        for (const target of limit.targets) plan.rateLimits.set(target, limit);
        break;
      }
      case "for_each": {
        const config = forEachConfig(surface.config);
        plan.forEach.set(config.body_entry, {
          source: config.source,
          itemsPointer: config.items_pointer,
          concurrency: config.concurrency,
        });
        break;
      }
    }
  }
  return plan;
}
