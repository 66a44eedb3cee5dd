import { DIAGNOSTIC_CODES, parseJson, resolvePointer, type ValidationResult } from "@flows/flow-ir";
import { expect } from "vitest";

// What every validate() result must satisfy, whatever the input: known codes, a severity, a
// message, a path into the input, `ok` consistent with the severities, and node names that exist.
// Problems are collected with plain checks and asserted once: property runs call this thousands
// of times, and one expect() per field of every diagnostic made them several times slower.

const KNOWN_CODES = new Set(Object.keys(DIAGNOSTIC_CODES));

export function wellFormedProblems(input: unknown, result: ValidationResult): string[] {
  const problems: string[] = [];
  const parsed = typeof input === "string" ? parseJson(input) : { ok: true as const, value: input };
  const aliases = new Set(result.flow?.nodes.map((node) => node.alias));
  if (result.ok !== result.diagnostics.every((d) => d.severity !== "error"))
    problems.push("ok disagrees with severities");
  const structural = result.diagnostics.some((d) => d.code === "FLOW001" || d.code === "FLOW002");
  // Structure comes first: a flow is returned exactly when the structure is valid.
  if ((result.flow === undefined) !== structural) problems.push("flow is returned iff the structure is valid");
  for (const diagnostic of result.diagnostics) {
    const fail = (what: string) => problems.push(`${what}: ${JSON.stringify(diagnostic)}`);
    if (!KNOWN_CODES.has(diagnostic.code)) fail("unknown code");
    if (diagnostic.severity !== "error" && diagnostic.severity !== "warning") fail("bad severity");
    if (typeof diagnostic.message !== "string" || diagnostic.message.trim() === "") fail("empty message");
    if (diagnostic.code === "FLOW001") {
      if (diagnostic.path !== "") fail('FLOW001 path is not ""');
      if (parsed.ok) fail("FLOW001 for text that parses");
      const { line = 0, column = 0 } = diagnostic.position ?? {};
      if (line < 1 || column < 1) fail("FLOW001 without a position");
      continue;
    }
    if (!parsed.ok) {
      fail("text that is not JSON got a diagnostic other than FLOW001");
      continue;
    }
    if (!resolvePointer(parsed.value, diagnostic.path).found) fail("path does not resolve in the input");
    if (diagnostic.node !== undefined && !aliases.has(diagnostic.node)) fail("names a node the flow does not have");
  }
  return problems;
}

export function expectWellFormed(input: unknown, result: ValidationResult): void {
  const problems = wellFormedProblems(input, result);
  if (problems.length > 0) expect(problems).toEqual([]);
}
