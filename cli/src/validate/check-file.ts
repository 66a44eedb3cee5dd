import { createPositionLocator, type FlowIR, type HintRegistry, type ProjectManifest, validate } from "@flows/flow-ir";
import { type FileReport, locate } from "../format/report";

export interface CheckOptions {
  readonly registry: HintRegistry;
  readonly manifest?: ProjectManifest;
}

export interface CheckResult {
  readonly report: FileReport;
  /** The parsed flow, when the document matched the schema (even if later checks failed). */
  readonly flow: FlowIR | undefined;
}

/** Validates one document and places each diagnostic at a line and column of its text. */
export function checkText(file: string, text: string, options: CheckOptions): CheckResult {
  const result = validate(
    text,
    options.manifest === undefined
      ? { registry: options.registry }
      : { registry: options.registry, manifest: options.manifest },
  );
  const locator = createPositionLocator(
    text,
    result.diagnostics.map((d) => d.path),
  );
  return {
    report: {
      file,
      ok: result.ok,
      // A syntax error has no pointer to follow; the parser says where it is.
      diagnostics: result.diagnostics.map((d) => locate(d, d.position ?? locator(d.path))),
    },
    flow: result.flow,
  };
}
