import type { DiagnosticCode } from "../../../diagnostics/codes";
import { edgeLabel } from "../../../diagnostics/diagnostic";
import { encodePointer } from "../../../json/pointer";
import type { CheckContext } from "../../context";
import { asObject, asString, isPointer, readVersioned, type SurfaceReporter } from "./read";

interface RouterCodes {
  readonly config: DiagnosticCode;
  readonly missingEdge: DiagnosticCode;
  readonly sharedSource: DiagnosticCode;
}

export const SWITCH_CODES: RouterCodes = { config: "CTRL110", missingEdge: "CTRL111", sharedSource: "CTRL112" };
export const IF_CODES: RouterCodes = { config: "CTRL120", missingEdge: "CTRL121", sharedSource: "CTRL122" };

/** The source, after the checks both routers share; undefined when Lattice stops reading here. */
function readSource(
  context: CheckContext,
  report: SurfaceReporter,
  codes: RouterCodes,
  routed: Map<string, string>,
): { config: Record<string, unknown>; source: string } | undefined {
  const config = readVersioned(report, codes.config);
  if (config === undefined) return undefined;
  const source = asString(config.source);
  if (source === undefined) {
    report.error(codes.config, "config.source must be a node alias (string)", "/config/source");
    return undefined;
  }
  if (!context.nodes.has(source)) {
    report.error(
      codes.config,
      `config.source names unknown node "${source}": use the alias of a node in this flow`,
      "/config/source",
    );
    return undefined;
  }
  const earlier = routed.get(source);
  if (earlier !== undefined) {
    report.error(
      codes.sharedSource,
      `"${earlier}" is another ${report.surface.kind} surface on node "${source}": merge them into one`,
      "/config/source",
      { node: source },
    );
  } else {
    routed.set(source, report.surface.id);
  }
  const pointer = asString(config.selector_pointer);
  if (pointer === undefined) {
    report.error(codes.config, "config.selector_pointer must be a JSON Pointer string", "/config/selector_pointer");
    return undefined;
  }
  if (!isPointer(pointer)) {
    report.error(
      codes.config,
      `config.selector_pointer "${pointer}" must be "" or start with "/"`,
      "/config/selector_pointer",
    );
  }
  return { config, source };
}

/** Each branch: a node of this flow, an edge from the source, and listed in `targets`. */
function checkBranches(
  context: CheckContext,
  report: SurfaceReporter,
  codes: RouterCodes,
  source: string,
  branches: readonly string[],
): void {
  const listed = new Set(report.surface.targets);
  for (const target of branches) {
    if (!context.nodes.has(target)) {
      report.error(codes.config, `routes to unknown node "${target}": use the alias of a node in this flow`);
      continue;
    }
    if (!context.hasEdge(source, target)) {
      report.error(
        codes.missingEdge,
        `routes ${source} to "${target}" but there is no edge ${edgeLabel(source, target)}: add the edge or remove the branch`,
        undefined,
        { edge: edgeLabel(source, target) },
      );
    }
    if (!listed.has(target)) {
      report.error(codes.config, `targets must list the branch "${target}": add it to targets`, "/targets");
    }
  }
  if (!listed.has(source)) {
    report.error(codes.config, `targets must list the source "${source}": add it to targets`, "/targets");
  }
}

/** `if` (CTRL120–122), in the order of Lattice's `check_if_control_surfaces`. */
export function checkIf(context: CheckContext, report: SurfaceReporter, routed: Map<string, string>): void {
  const read = readSource(context, report, IF_CODES, routed);
  if (read === undefined) return;
  const { config, source } = read;
  const then = asString(config.then);
  if (then === undefined) {
    report.error("CTRL120", "config.then must be a node alias (string)", "/config/then");
    return;
  }
  const otherwise = asString(config.else);
  if (otherwise === undefined) {
    report.error("CTRL120", "config.else must be a node alias (string): an if names both branches", "/config/else");
    return;
  }
  checkBranches(context, report, IF_CODES, source, [then, otherwise]);
}

/** `switch` (CTRL110–112), in the order of Lattice's `check_switch_control_surfaces`. */
export function checkSwitch(context: CheckContext, report: SurfaceReporter, routed: Map<string, string>): void {
  const read = readSource(context, report, SWITCH_CODES, routed);
  if (read === undefined) return;
  const { config, source } = read;
  const cases = asObject(config.cases);
  if (cases === undefined) {
    report.error("CTRL110", "config.cases must be an object mapping values to node aliases", "/config/cases");
    return;
  }
  const entries = Object.entries(cases);
  if (entries.length === 0) report.error("CTRL110", "config.cases must have at least one case", "/config/cases");
  const branches: string[] = [];
  for (const [key, target] of entries) {
    if (typeof target === "string") branches.push(target);
    else
      report.error("CTRL110", `case "${key}" must name a node alias (string)`, encodePointer(["config", "cases", key]));
  }
  if (config.default !== undefined) {
    if (typeof config.default === "string") branches.push(config.default);
    else report.error("CTRL110", "config.default must be a node alias (string) when present", "/config/default");
  }
  checkBranches(context, report, SWITCH_CODES, source, branches);
}
