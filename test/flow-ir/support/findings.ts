import { type Diagnostic, type ValidateOptions, validate } from "@flows/flow-ir";

// What a test asserts about a diagnostic: where it points and what it names. The message is
// asserted separately where its wording matters, so a rephrasing breaks one test, not all.

export interface Finding {
  readonly code: Diagnostic["code"];
  readonly path: string;
  readonly node?: string;
  readonly edge?: string;
  readonly hint?: string;
}

export function finding(diagnostic: Diagnostic): Finding {
  const { code, path, node, edge, hint } = diagnostic;
  return {
    code,
    path,
    ...(node === undefined ? {} : { node }),
    ...(edge === undefined ? {} : { edge }),
    ...(hint === undefined ? {} : { hint }),
  };
}

/** Every diagnostic `validate` reports for `document`, reduced to its findings. */
export function findingsOf(document: unknown, options: ValidateOptions = {}): Finding[] {
  return validate(document, options).diagnostics.map(finding);
}

/** The diagnostics with the given codes, whole (message included). */
export function diagnosticsOf(
  document: unknown,
  codes: readonly string[],
  options: ValidateOptions = {},
): Diagnostic[] {
  return validate(document, options).diagnostics.filter((diagnostic) => codes.includes(diagnostic.code));
}
