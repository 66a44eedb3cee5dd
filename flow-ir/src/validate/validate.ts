import * as v from "valibot";
import type { Diagnostic } from "../diagnostics/diagnostic";
import { BUILTIN_HINTS } from "../hints/builtin";
import { createHintRegistry, type HintRegistry } from "../hints/registry";
import type { FlowIR } from "../ir/types";
import { parseJson } from "../json/parse";
import { decodePointer, encodePointer, resolvePointer } from "../json/pointer";
import type { ProjectManifest, ProjectManifestInput } from "../manifest/manifest";
import { checkAliases } from "./checks/aliases";
import { checkCycles } from "./checks/cycles";
import { checkEdgeBudgets } from "./checks/edges";
import { checkExactlyOnce } from "./checks/exactly-once";
import { checkHints } from "./checks/hints";
import { checkIdempotency } from "./checks/idempotency";
import { checkManifest } from "./checks/manifest";
import { checkPorts } from "./checks/ports";
import { checkReferences } from "./checks/references";
import { checkSurfaces } from "./checks/surfaces/check";
import type { Check, CheckContext } from "./context";
import { type ManifestBindings, ManifestBindingsSchema } from "./manifest-bindings";
import { checkStructure } from "./structure";
import { hasSuccessor, type SuccessorTable, successorTable } from "./successors";

export interface ValidateOptions {
  /** Hint constraints to enforce; defaults to the built-in hints only. */
  readonly registry?: HintRegistry;
  /** The project manifest; enables DAG203. */
  readonly manifest?: ProjectManifest | ProjectManifestInput;
}

export interface ValidationResult {
  /** True when no diagnostic has severity "error". */
  readonly ok: boolean;
  /** The parsed flow (defaults applied, unknown fields kept) whenever the structure is valid. */
  readonly flow?: FlowIR;
  readonly diagnostics: readonly Diagnostic[];
}

const CHECKS: readonly Check[] = [
  checkAliases,
  checkReferences,
  checkCycles,
  checkPorts,
  checkIdempotency,
  checkHints,
  checkExactlyOnce,
  checkEdgeBudgets,
  checkSurfaces,
  checkManifest,
];

const BUILTIN_REGISTRY = createHintRegistry(BUILTIN_HINTS);

/**
 * Validates a Flow IR document given as JSON text or as an already parsed value.
 * Never throws on bad input: every problem comes back as a diagnostic.
 */
export function validate(input: unknown, options: ValidateOptions = {}): ValidationResult {
  let document = input;
  if (typeof input === "string") {
    const parsed = parseJson(input);
    if (!parsed.ok) return { ok: false, diagnostics: [parsed.diagnostic] };
    document = parsed.value;
  }
  const structure = checkStructure(document);
  if (!structure.ok) return { ok: false, diagnostics: structure.diagnostics };

  const flow = structure.flow;
  const diagnostics: Diagnostic[] = [];
  // Alias → position of its first node: filled backwards so the first occurrence wins with one
  // map operation per node.
  const nodes = new Map<string, number>();
  for (let index = flow.nodes.length - 1; index >= 0; index -= 1) {
    nodes.set((flow.nodes[index] as (typeof flow.nodes)[number]).alias, index);
  }
  const edgeFrom = new Int32Array(flow.edges.length);
  const edgeTo = new Int32Array(flow.edges.length);
  flow.edges.forEach((edge, index) => {
    edgeFrom[index] = nodes.get(edge.from) ?? -1;
    edgeTo[index] = nodes.get(edge.to) ?? -1;
  });
  let table: SuccessorTable | undefined;
  const successors = () => {
    table ??= successorTable(flow.nodes.length, edgeFrom, edgeTo);
    return table;
  };
  const context: CheckContext = {
    edgeFrom,
    edgeTo,
    flow,
    registry: options.registry ?? BUILTIN_REGISTRY,
    manifest: readManifest(options.manifest, diagnostics),
    nodes,
    hasEdge: (from, to) => {
      const source = nodes.get(from);
      const target = nodes.get(to);
      if (source === undefined || target === undefined) return false;
      const { offsets, targets } = successors();
      return hasSuccessor(offsets, targets, source, target);
    },
    successors,
    report: (diagnostic) => diagnostics.push(diagnostic),
  };
  for (const check of CHECKS) check(context);

  const anchored = diagnostics.map((diagnostic) => anchorPath(document, diagnostic));
  return {
    ok: !anchored.some((diagnostic) => diagnostic.severity === "error"),
    flow,
    diagnostics: anchored,
  };
}

function readManifest(manifest: ValidateOptions["manifest"], diagnostics: Diagnostic[]): ManifestBindings | undefined {
  if (manifest === undefined) return undefined;
  const parsed = v.safeParse(ManifestBindingsSchema, manifest);
  if (parsed.success) return parsed.output;
  const [issue] = parsed.issues;
  diagnostics.push({
    code: "DAG203",
    severity: "error",
    message: `the manifest is malformed (${issue.message}), so no binding or secret can be checked: fix flows.config.json`,
    path: "",
  });
  return undefined;
}

/** Points a diagnostic at the nearest part of the input that exists (defaults are not in the input). */
function anchorPath(document: unknown, diagnostic: Diagnostic): Diagnostic {
  if (resolvePointer(document, diagnostic.path).found) return diagnostic;
  const segments = decodePointer(diagnostic.path) ?? [];
  while (segments.length > 0) {
    segments.pop();
    const path = encodePointer(segments);
    if (resolvePointer(document, path).found) return { ...diagnostic, path };
  }
  return { ...diagnostic, path: "" };
}
