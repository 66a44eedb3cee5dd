import type { Diagnostic, FlowIR } from "@flows/flow-ir";
import { checkSurfaceConfigs } from "@flows/kernel";

/**
 * A published Worker reads surface configs as they were checked here, without their schemas in
 * its bundle. A config the kernel cannot run (which the validator only warns about, CTRL133)
 * is therefore refused before publishing, with the message its runs would have failed with.
 */
export function surfaceConfigProblems(flow: FlowIR): Diagnostic[] {
  const error = checkSurfaceConfigs(flow);
  if (error === undefined) return [];
  const index = flow.control_surfaces.findIndex((surface) => surface.id === error.details.surface);
  return [
    {
      code: "CTRL133",
      severity: "error",
      message: error.message,
      path: index < 0 ? "" : `/control_surfaces/${index}/config`,
    },
  ];
}
