import type { DiagnosticCode } from "../../../diagnostics/codes";
import type { ControlSurfaceIR } from "../../../ir/types";
import type { CheckContext } from "../../context";

// Readers with serde_json's meaning, so a config is judged exactly as Lattice's validator
// (crates/kernel-plan/src/lib.rs) judges it: `as_u64` is a whole number ≥ 0, `as_str` a string,
// `as_object` a JSON object (not an array, not null).

export type Json = Record<string, unknown>;

export const asObject = (value: unknown): Json | undefined =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : undefined;

export const asString = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

// Whole numbers past 2^53 are still u64 to serde; only the range of u64 bounds them.
export const asU64 = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 2 ** 64 - 1 ? value : undefined;

export const isPointer = (pointer: string): boolean => pointer === "" || pointer.startsWith("/");

/** The node or edge a finding is about, for tools that group findings by them. */
export interface Names {
  readonly node?: string;
  readonly edge?: string;
}

/** Where a surface's findings are reported, and how. */
export interface SurfaceReporter {
  readonly surface: ControlSurfaceIR;
  readonly index: number;
  error(code: DiagnosticCode, message: string, at?: string, names?: Names): void;
  warning(code: DiagnosticCode, message: string, at?: string): void;
}

export function reporterFor(context: CheckContext, surface: ControlSurfaceIR, index: number): SurfaceReporter {
  const base = `/control_surfaces/${index}`;
  const emit = (severity: "error" | "warning") => (code: DiagnosticCode, message: string, at?: string, names?: Names) =>
    context.report({
      code,
      severity,
      message: `control surface "${surface.id}" (${surface.kind}): ${message}`,
      path: at === undefined ? `${base}/config` : `${base}${at}`,
      ...names,
    });
  return { surface, index, error: emit("error"), warning: emit("warning") };
}

/**
 * The `v` = 1 gate every surface Lattice validates starts with; on failure nothing else of the
 * config is read (Lattice `continue`s), so neither is it here.
 */
export function readVersioned(report: SurfaceReporter, code: DiagnosticCode): Json | undefined {
  const config = asObject(report.surface.config);
  if (config === undefined) {
    report.error(code, "config must be a JSON object");
    return undefined;
  }
  if (asU64(config.v) !== 1) {
    report.error(code, 'config.v must be 1 (the only config version Flow IR 0.1 defines): add "v": 1', "/config/v");
    return undefined;
  }
  return config;
}
