import type { Diagnostic } from "../diagnostics/diagnostic";

type Json = Record<string, unknown>;

const asObject = (value: unknown): Json | undefined =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : undefined;

const VERSIONED = new Set(["switch", "if", "for_each", "rate_limit", "error_handler", "window", "partition"]);

export interface EarlierKeysUpgrade {
  /** The document with every surface config in Lattice's shape (the input itself when none changed). */
  readonly document: unknown;
  /** One CTRL134 warning per rewritten surface, naming Lattice's keys. */
  readonly warnings: readonly Diagnostic[];
}

/** The surface rewritten to Lattice's shape, and what changed; undefined when nothing did. */
function upgradeSurface(surface: Json): { surface: Json; changes: string[] } | undefined {
  const kind = surface.kind;
  const config = asObject(surface.config);
  if (typeof kind !== "string" || config === undefined) return undefined;
  const targets = Array.isArray(surface.targets)
    ? surface.targets.filter((t): t is string => typeof t === "string")
    : [];
  const next: Json = { ...config };
  const changes: string[] = [];
  if (VERSIONED.has(kind) && next.v === undefined) {
    next.v = 1;
    changes.push('"v": 1 added');
  }
  let nextTargets = targets;
  if (
    kind === "rate_limit" &&
    typeof next.limit === "number" &&
    typeof next.window_ms === "number" &&
    next.qps === undefined
  ) {
    // The kernel still reads limit/window_ms (exact for slow limits); qps and burst make the
    // config valid in Lattice's terms.
    next.target ??= targets[0];
    next.qps = Math.max(1, Math.ceil((next.limit * 1000) / next.window_ms));
    next.burst = next.limit;
    changes.push('"limit"/"window_ms" read as a token bucket; Lattice writes "target", "qps" and "burst"');
  }
  if (kind === "for_each" && next.body_entry === undefined && typeof next.body === "string") {
    next.body_entry = next.body;
    changes.push('"body" read as Lattice\'s "body_entry"');
  }
  if (kind === "for_each" && next.items_pointer === undefined) {
    next.items_pointer = "";
    changes.push('"items_pointer": "" added (the whole output)');
  }
  if (kind === "error_handler" && next.scope === undefined) {
    next.scope = { nodes: targets };
    changes.push('targets read as Lattice\'s "scope": { "nodes": [...] }');
  }
  if ((kind === "switch" || kind === "if") && typeof next.source === "string") {
    const branches =
      kind === "if" ? [next.then, next.else] : [...Object.values(asObject(next.cases) ?? {}), next.default];
    const missing = [next.source, ...branches].filter(
      (alias, index, all): alias is string =>
        typeof alias === "string" && !targets.includes(alias) && all.indexOf(alias) === index,
    );
    if (missing.length > 0) {
      nextTargets = [...targets, ...missing];
      changes.push(
        `targets completed with ${missing.map((alias) => `"${alias}"`).join(", ")} (Lattice lists the source and every branch)`,
      );
    }
  }
  if (changes.length === 0) return undefined;
  return { surface: { ...surface, targets: nextTargets, config: next }, changes };
}

/**
 * Reads surface configs written in this project's earlier shapes (rate_limit `limit`/`window_ms`,
 * for_each `body`, error_handler on its `targets`, configs without `v`) as Lattice's, so flows
 * written before keep running, each with a CTRL134 warning. The validator itself judges
 * documents as Lattice does; only hosts that run flows apply this first.
 */
export function upgradeEarlierKeys(document: unknown): EarlierKeysUpgrade {
  const flow = asObject(document);
  const surfaces = flow?.control_surfaces;
  if (flow === undefined || !Array.isArray(surfaces)) return { document, warnings: [] };
  const warnings: Diagnostic[] = [];
  let changed = false;
  const next = surfaces.map((value, index) => {
    const surface = asObject(value);
    const upgraded = surface === undefined ? undefined : upgradeSurface(surface);
    if (surface === undefined || upgraded === undefined) return value;
    changed = true;
    warnings.push({
      code: "CTRL134",
      severity: "warning",
      message: `control surface "${String(surface.id)}" (${String(surface.kind)}) uses this project's earlier keys: ${upgraded.changes.join("; ")}. Rewrite it in Lattice's shape (see the control surface table in docs/flow-ir.md)`,
      path: `/control_surfaces/${index}/config`,
    });
    return upgraded.surface;
  });
  return changed ? { document: { ...flow, control_surfaces: next }, warnings } : { document, warnings };
}
