import { type DefinedFlow, locate } from "@flows/define";
import { type FlowIR, type HintRegistry, type ProjectManifest, validate } from "@flows/flow-ir";
import type { FileReport, LocatedDiagnostic } from "../format/report";
import { type DefinitionFailure, shownPath } from "./load";

export interface CheckedFlow {
  /** One report per TypeScript file a diagnostic points into (the module's own when none). */
  readonly reports: FileReport[];
  readonly flow: FlowIR | undefined;
}

/**
 * Validates a defined flow's document; each diagnostic is placed at the TypeScript line where
 * the node, edge or surface it concerns was declared (the flow's own line for the rest).
 */
export function checkDefinedFlow(
  modulePath: string,
  defined: DefinedFlow,
  options: { readonly registry: HintRegistry; readonly manifest?: ProjectManifest },
): CheckedFlow {
  const result = validate(defined.toFlowIR(), options);
  const sourceMap = defined.sourceMap();
  const byFile = new Map<string, LocatedDiagnostic[]>();
  for (const diagnostic of result.diagnostics) {
    const location = locate(sourceMap, diagnostic.path);
    const file = location === undefined ? modulePath : shownPath(location.file);
    const list = byFile.get(file) ?? [];
    list.push({
      code: diagnostic.code,
      severity: diagnostic.severity,
      message: `${diagnostic.message} (flow ${defined.id}, ${diagnostic.path})`,
      path: diagnostic.path,
      ...(diagnostic.node === undefined ? {} : { node: diagnostic.node }),
      line: location?.line ?? 1,
      column: location?.column ?? 1,
    });
    byFile.set(file, list);
  }
  const reports: FileReport[] =
    byFile.size === 0
      ? [{ file: modulePath, ok: true, diagnostics: [] }]
      : [...byFile].map(([file, diagnostics]) => ({
          file,
          ok: !diagnostics.some((d) => d.severity === "error"),
          diagnostics,
        }));
  return { reports, flow: result.flow };
}

/** A definition mistake as a report: one error at the line that made it. */
export function definitionReport(failure: DefinitionFailure): FileReport {
  const where = failure.definition.location;
  return {
    file: where === undefined ? failure.file : shownPath(where.file),
    ok: false,
    diagnostics: [
      {
        code: failure.definition.code,
        severity: "error",
        message: failure.definition.description,
        path: "",
        line: where?.line ?? 1,
        column: where?.column ?? 1,
      },
    ],
  };
}
