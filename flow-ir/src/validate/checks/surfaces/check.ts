import type { ControlSurfaceIR } from "../../../ir/types";
import type { CheckContext } from "../../context";
import { checkEarlierKeys, checkKernelKeys } from "./beyond-lattice";
import { reporterFor, type SurfaceReporter } from "./read";
import { checkErrorHandler, checkForEach, checkPartition, checkRateLimit, checkWindow } from "./reserved";
import { checkIf, checkSwitch } from "./routers";

type SurfaceCheck = (context: CheckContext, report: SurfaceReporter) => void;

// Lattice validates these kinds; `loop` and `timeout` it leaves alone (so errors never come
// from them here either).
const LATTICE: Partial<Record<ControlSurfaceIR["kind"], SurfaceCheck>> = {
  for_each: checkForEach,
  partition: checkPartition,
  rate_limit: checkRateLimit,
  error_handler: checkErrorHandler,
  window: checkWindow,
};

/** Control surfaces: CTRL110–132 exactly as Lattice reports them, then CTRL133/134 warnings. */
export function checkSurfaces(context: CheckContext): void {
  const switches = new Map<string, string>();
  const ifs = new Map<string, string>();
  context.flow.control_surfaces.forEach((surface, index) => {
    const report = reporterFor(context, surface, index);
    if (surface.kind === "switch") checkSwitch(context, report, switches);
    else if (surface.kind === "if") checkIf(context, report, ifs);
    else LATTICE[surface.kind]?.(context, report);
    checkKernelKeys(context, report);
    checkEarlierKeys(context, report);
  });
}
