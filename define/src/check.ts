import {
  BUILTIN_HINTS,
  createHintRegistry,
  type Diagnostic,
  type HintRegistry,
  type ProjectManifestInput,
  validate,
} from "@flows/flow-ir";
import type { DefinedFlow } from "./define-flow";
import type { SourceMap } from "./emit";
import { DefinitionError, formatLocation } from "./errors";
import type { SourceLocation } from "./location";

export interface LocatedDiagnostic extends Diagnostic {
  /** The TypeScript declaration the diagnostic is about, when known. */
  readonly location?: SourceLocation;
}

export interface CheckOptions {
  /** Hint rules to enforce: the installed capabilities' (default: built-in rules only). */
  readonly registry?: HintRegistry;
  readonly manifest?: ProjectManifestInput;
}

/** The declaration behind a JSON Pointer of the emitted document: its node, edge or surface. */
export function locate(sourceMap: SourceMap, pointer: string): SourceLocation | undefined {
  const match = /^\/(nodes|edges|control_surfaces)\/(\d+)/.exec(pointer);
  if (match === null) return sourceMap.flow;
  const list = sourceMap[match[1] as "nodes" | "edges" | "control_surfaces"];
  return list[Number(match[2])] ?? sourceMap.flow;
}

/** Runs the validator on a defined flow's document; each diagnostic names its TypeScript line. */
export function checkFlow(
  flow: DefinedFlow,
  options: CheckOptions = {},
): {
  readonly ok: boolean;
  readonly diagnostics: readonly LocatedDiagnostic[];
} {
  const result = validate(flow.toFlowIR(), {
    registry: options.registry ?? createHintRegistry(BUILTIN_HINTS),
    ...(options.manifest === undefined ? {} : { manifest: options.manifest }),
  });
  const sourceMap = flow.sourceMap();
  const diagnostics = result.diagnostics.map((diagnostic) => {
    const location = locate(sourceMap, diagnostic.path);
    return location === undefined ? diagnostic : { ...diagnostic, location };
  });
  return { ok: result.ok, diagnostics };
}

/** Throws a DEF110 `DefinitionError` listing every error diagnostic at its TypeScript line. */
export function assertFlow(flow: DefinedFlow, options: CheckOptions = {}): void {
  const { ok, diagnostics } = checkFlow(flow, options);
  if (ok) return;
  const errors = diagnostics.filter((d) => d.severity === "error");
  throw new DefinitionError(
    "DEF110",
    `flow "${flow.id}" does not validate:\n${errors
      .map((d) => `  ${d.location === undefined ? "" : `${formatLocation(d.location)}  `}${d.code}  ${d.message}`)
      .join("\n")}`,
    { flow: flow.id, diagnostics: errors },
    errors[0]?.location,
  );
}
