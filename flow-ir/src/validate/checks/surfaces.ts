import type { DiagnosticCode } from "../../diagnostics/codes";
import { edgeLabel } from "../../diagnostics/diagnostic";
import type { ControlSurfaceIR } from "../../ir/types";
import { parseErrorHandlerConfig } from "../../surfaces/error-handler";
import { parseForEachConfig } from "../../surfaces/for-each";
import { ifBranches, parseIfConfig } from "../../surfaces/if";
import type { ConfigProblem, ConfigResult } from "../../surfaces/parse-config";
import { parseRateLimitConfig } from "../../surfaces/rate-limit";
import { parseSwitchConfig, switchBranches } from "../../surfaces/switch";
import { parseTimeoutConfig } from "../../surfaces/timeout";
import type { CheckContext } from "../context";

interface RoutingCodes {
  readonly config: DiagnosticCode;
  readonly missingEdge: DiagnosticCode;
  readonly sharedSource: DiagnosticCode;
}

const SWITCH_CODES: RoutingCodes = { config: "CTRL110", missingEdge: "CTRL111", sharedSource: "CTRL112" };
const IF_CODES: RoutingCodes = { config: "CTRL120", missingEdge: "CTRL121", sharedSource: "CTRL122" };

const NODE_LEVEL_PARSERS: Partial<Record<ControlSurfaceIR["kind"], (config: unknown) => ConfigResult<unknown>>> = {
  timeout: parseTimeoutConfig,
  error_handler: parseErrorHandlerConfig,
  rate_limit: parseRateLimitConfig,
};

const surfacePath = (index: number) => `/control_surfaces/${index}`;

function reportConfigProblems(
  context: CheckContext,
  code: DiagnosticCode,
  surface: ControlSurfaceIR,
  index: number,
  problems: readonly { message: string; path: string }[],
): void {
  for (const problem of problems) {
    context.report({
      code,
      severity: "error",
      message: `control surface "${surface.id}" (${surface.kind}): config${problem.path}: ${problem.message}`,
      path: `${surfacePath(index)}/config${problem.path}`,
    });
  }
}

function readRoute(
  surface: ControlSurfaceIR,
): { ok: true; config: { source: string }; branches: string[] } | { ok: false; problems: ConfigProblem[] } {
  if (surface.kind === "switch") {
    const parsed = parseSwitchConfig(surface.config);
    return parsed.ok ? { ok: true, config: parsed.config, branches: switchBranches(parsed.config) } : parsed;
  }
  const parsed = parseIfConfig(surface.config);
  return parsed.ok ? { ok: true, config: parsed.config, branches: ifBranches(parsed.config) } : parsed;
}

/**
 * if/switch: the config names existing aliases, every branch is an edge out of the source,
 * and one source has at most one router of each kind (two would disagree on the live branch).
 */
function checkRouter(
  context: CheckContext,
  surface: ControlSurfaceIR,
  index: number,
  codes: RoutingCodes,
  routed: Map<string, string>,
): void {
  const parsed = readRoute(surface);
  if (!parsed.ok) {
    reportConfigProblems(context, codes.config, surface, index, parsed.problems);
    return;
  }
  const { config, branches } = parsed;
  let known = true;
  for (const [field, alias] of [["source", config.source], ...branches.map((branch) => ["branch", branch] as const)]) {
    if (context.nodes.has(alias)) continue;
    known = false;
    context.report({
      code: codes.config,
      severity: "error",
      message: `control surface "${surface.id}" (${surface.kind}) names unknown node "${alias}" as ${field}: use the alias of a node in this flow`,
      path: `${surfacePath(index)}/config`,
    });
  }
  if (!known) return;
  for (const branch of branches) {
    if (context.hasEdge(config.source, branch)) continue;
    context.report({
      code: codes.missingEdge,
      severity: "error",
      message: `control surface "${surface.id}" (${surface.kind}) routes ${config.source} to "${branch}" but there is no edge ${edgeLabel(config.source, branch)}: add the edge or remove the branch`,
      path: `${surfacePath(index)}/config`,
      edge: edgeLabel(config.source, branch),
    });
  }
  const earlier = routed.get(config.source);
  if (earlier !== undefined) {
    context.report({
      code: codes.sharedSource,
      severity: "error",
      message: `control surfaces "${earlier}" and "${surface.id}" are both ${surface.kind} surfaces on node "${config.source}": merge them into one`,
      path: `${surfacePath(index)}/config/source`,
      node: config.source,
    });
  } else {
    routed.set(config.source, surface.id);
  }
}

function checkForEach(context: CheckContext, surface: ControlSurfaceIR, index: number): void {
  const parsed = parseForEachConfig(surface.config);
  if (!parsed.ok) {
    reportConfigProblems(context, "CTRL130", surface, index, parsed.problems);
    return;
  }
  const { source, body } = parsed.config;
  let known = true;
  for (const [field, alias] of [
    ["source", source],
    ["body", body],
  ] as const) {
    if (context.nodes.has(alias)) continue;
    known = false;
    context.report({
      code: "CTRL131",
      severity: "error",
      message: `control surface "${surface.id}" (for_each) names unknown node "${alias}" as ${field}: use the alias of a node in this flow`,
      path: `${surfacePath(index)}/config/${field}`,
    });
  }
  if (known && !context.hasEdge(source, body)) {
    context.report({
      code: "CTRL132",
      severity: "error",
      message: `control surface "${surface.id}" (for_each) runs "${body}" over the output of "${source}" but there is no edge ${edgeLabel(source, body)}: add it`,
      path: `${surfacePath(index)}/config`,
      edge: edgeLabel(source, body),
    });
  }
}

/** Control surfaces (CTRL110–132): configs parse, aliases exist, routed edges exist. */
export function checkSurfaces(context: CheckContext): void {
  const switches = new Map<string, string>();
  const ifs = new Map<string, string>();
  context.flow.control_surfaces.forEach((surface, index) => {
    switch (surface.kind) {
      case "switch":
        checkRouter(context, surface, index, SWITCH_CODES, switches);
        return;
      case "if":
        checkRouter(context, surface, index, IF_CODES, ifs);
        return;
      case "for_each":
        checkForEach(context, surface, index);
        return;
    }
    const parse = NODE_LEVEL_PARSERS[surface.kind];
    if (parse !== undefined) {
      const parsed = parse(surface.config);
      if (!parsed.ok) reportConfigProblems(context, "CTRL130", surface, index, parsed.problems);
      return;
    }
    const config = surface.config;
    if (config !== undefined && config !== null && (typeof config !== "object" || Array.isArray(config))) {
      reportConfigProblems(context, "CTRL130", surface, index, [{ message: "config must be a JSON object", path: "" }]);
    }
  });
}
