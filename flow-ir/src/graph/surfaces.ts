import type { ControlSurfaceIR } from "../ir/types";
import { parseErrorHandlerConfig } from "../surfaces/error-handler";
import { parseForEachConfig } from "../surfaces/for-each";
import { parseIfConfig } from "../surfaces/if";
import { parseRateLimitConfig } from "../surfaces/rate-limit";
import { parseSwitchConfig } from "../surfaces/switch";
import { parseTimeoutConfig } from "../surfaces/timeout";

/** A route a surface sends data along, drawn as a labelled edge from `from` to `to`. */
export interface SurfaceBranch {
  readonly from: string;
  readonly to: string;
  readonly label: string;
}

/** A fact a surface attaches to a node: its selector, a timeout, a retry policy. */
export interface SurfaceNote {
  readonly alias: string;
  readonly text: string;
}

export interface SurfaceMarks {
  readonly branches: readonly SurfaceBranch[];
  readonly notes: readonly SurfaceNote[];
}

// Configs come straight from the document: every parse below returns problems instead of
// throwing, and a surface whose config is malformed is drawn as a note saying so.
export function surfaceMarks(surface: ControlSurfaceIR): SurfaceMarks {
  const branches: SurfaceBranch[] = [];
  const notes: SurfaceNote[] = [];
  const onTargets = (text: string) => {
    for (const alias of surface.targets) notes.push({ alias, text });
  };
  const invalid = () => onTargets(`${surface.kind} ${surface.id}: invalid config`);
  switch (surface.kind) {
    case "if": {
      const parsed = parseIfConfig(surface.config);
      if (!parsed.ok) {
        invalid();
        break;
      }
      const { source, selector_pointer: pointer, then, else: otherwise } = parsed.config;
      notes.push({ alias: source, text: `if ${surface.id}: ${pointer || "(whole output)"}` });
      branches.push({ from: source, to: then, label: "then" });
      branches.push({ from: source, to: otherwise, label: "else" });
      break;
    }
    case "switch": {
      const parsed = parseSwitchConfig(surface.config);
      if (!parsed.ok) {
        invalid();
        break;
      }
      const { source, selector_pointer: pointer, cases } = parsed.config;
      notes.push({ alias: source, text: `switch ${surface.id}: ${pointer || "(whole output)"}` });
      for (const [value, to] of Object.entries(cases)) branches.push({ from: source, to, label: value || '""' });
      if (parsed.config.default !== undefined) {
        branches.push({ from: source, to: parsed.config.default, label: "default" });
      }
      break;
    }
    case "for_each": {
      const parsed = parseForEachConfig(surface.config);
      if (!parsed.ok) {
        invalid();
        break;
      }
      const { source, body_entry: body, items_pointer: pointer, concurrency } = parsed.config;
      branches.push({ from: source, to: body, label: `for each ${pointer || "item"} (≤${concurrency} at once)` });
      break;
    }
    case "timeout": {
      const parsed = parseTimeoutConfig(surface.config);
      if (parsed.ok) onTargets(`timeout ${parsed.config.timeout_ms} ms`);
      else invalid();
      break;
    }
    case "error_handler": {
      const parsed = parseErrorHandlerConfig(surface.config);
      if (!parsed.ok) {
        invalid();
        break;
      }
      const { scope, strategy, max_retries: retries, backoff_ms: backoff } = parsed.config;
      const text = strategy === "retry" ? `retry ×${retries}, backoff ${backoff} ms` : `on error: ${strategy}`;
      for (const alias of scope.nodes) notes.push({ alias, text });
      break;
    }
    case "rate_limit": {
      const parsed = parseRateLimitConfig(surface.config);
      if (parsed.ok) {
        const { target, qps, burst } = parsed.config;
        notes.push({ alias: target, text: `≤ ${qps}/s, burst ${burst}` });
      } else invalid();
      break;
    }
    default:
      onTargets(`${surface.kind} ${surface.id}`);
  }
  return { branches, notes };
}
