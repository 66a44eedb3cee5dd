import { parseJson, upgradeEarlierKeys, validate } from "@flows/flow-ir";
import { KernelError } from "./errors";
import type { FlowReader } from "./flow-reader";
import type { Logger } from "./host";
import { checkSurfaceConfigs } from "./surface-check";

const validateAndCheck = (document: unknown, name: string, logger: Logger): ReturnType<FlowReader> => {
  // Flows written with this project's earlier surface keys keep running, each rewrite logged
  // as a CTRL134 warning naming Lattice's key.
  const upgraded = upgradeEarlierKeys(document);
  for (const warning of upgraded.warnings) {
    logger({ level: "warn", message: `flow ${name}: ${warning.message}`, code: warning.code, flow: name });
  }
  const result = validate(upgraded.document);
  if (result.ok && result.flow) {
    const misconfigured = checkSurfaceConfigs(result.flow);
    return misconfigured === undefined ? { flow: result.flow } : { error: misconfigured };
  }
  return {
    error: new KernelError(
      "VALID400",
      `flow ${name} is not valid: ${result.diagnostics
        .filter((d) => d.severity === "error")
        .slice(0, 3)
        .map((d) => `${d.code} ${d.message}`)
        .join("; ")}`,
      { flow: name, diagnostics: result.diagnostics },
    ).toJSON(),
  };
};

/**
 * The default reader: every document through the validator and its surface configs through
 * their schemas (`checkSurfaceConfigs`); an invalid one fails its runs with VALID400.
 * Documents given as text are parsed with `parseJson`, whose FLOW001 says where the JSON breaks.
 */
export const validatingFlowReader: FlowReader = Object.assign(validateAndCheck, { parseText: parseJson });
