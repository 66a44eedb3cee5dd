import {
  type ConfigResult,
  type ControlSurfaceIR,
  type FlowIR,
  parseErrorHandlerConfig,
  parseForEachConfig,
  parseIfConfig,
  parseSwitchConfig,
  parseTimeoutConfig,
  readRateLimit,
} from "@flows/flow-ir";
import { type FlowError, KernelError } from "./errors";
import { UNSUPPORTED_SURFACES } from "./surface-kinds";

function parsed(surface: ControlSurfaceIR): ConfigResult<unknown> | undefined {
  switch (surface.kind) {
    case "switch":
      return parseSwitchConfig(surface.config);
    case "if":
      return parseIfConfig(surface.config);
    case "error_handler":
      return parseErrorHandlerConfig(surface.config);
    case "timeout":
      return parseTimeoutConfig(surface.config);
    case "rate_limit":
      return readRateLimit(surface.config, surface.targets);
    case "for_each":
      return parseForEachConfig(surface.config);
    default:
      return undefined;
  }
}

/**
 * VALID400 for the first surface whose config the kernel cannot run, checked against each
 * kind's schema. Part of reading a flow (the validating reader, `flows publish`), so that
 * planning reads configs without the schemas and a Worker of trusted flows does not carry them.
 * It stops at a kind the kernel does not run, where planning then fails with CTRL901, as it
 * did when both were checked in one pass.
 */
export function checkSurfaceConfigs(flow: FlowIR): FlowError | undefined {
  for (const surface of flow.control_surfaces) {
    if (UNSUPPORTED_SURFACES.has(surface.kind)) return undefined;
    const result = parsed(surface);
    if (result !== undefined && !result.ok) {
      return new KernelError(
        "VALID400",
        `control surface "${surface.id}" (${surface.kind}) is misconfigured: ${result.problems.map((p) => p.message).join("; ")}`,
        { surface: surface.id, kind: surface.kind },
      ).toJSON();
    }
  }
  return undefined;
}
