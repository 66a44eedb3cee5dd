import type { CheckContext } from "../../context";
import { asObject, type SurfaceReporter } from "./read";

// Findings Lattice does not make, so they are warnings and never change a verdict:
// CTRL133 for a value this project's kernel cannot run (keys Lattice leaves unchecked), and
// CTRL134 for a config written with this project's earlier keys, naming Lattice's key.

const isWhole = (value: unknown, least: number) =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= least;

function unusable(report: SurfaceReporter, field: string, message: string): void {
  report.warning(
    "CTRL133",
    `config.${field} ${message}; Lattice does not check it, but this kernel cannot run it`,
    `/config/${field}`,
  );
}

/** CTRL133: values of keys this kernel reads beyond what Lattice validates. */
export function checkKernelKeys(_context: CheckContext, report: SurfaceReporter): void {
  const config = asObject(report.surface.config);
  switch (report.surface.kind) {
    case "timeout":
      if (config === undefined || !isWhole(config.timeout_ms, 1)) {
        unusable(report, "timeout_ms", "must be a whole number of at least 1 (the per-attempt budget of the targets)");
      }
      return;
    case "for_each":
      if (config?.concurrency !== undefined && !isWhole(config.concurrency, 1)) {
        unusable(report, "concurrency", "must be a whole number of at least 1");
      }
      return;
    case "error_handler": {
      if (config === undefined) return;
      if (config.max_backoff_ms !== undefined && !isWhole(config.max_backoff_ms, 0)) {
        unusable(report, "max_backoff_ms", "must be a whole number ≥ 0");
      } else if (
        isWhole(config.max_backoff_ms, 0) &&
        isWhole(config.backoff_ms, 0) &&
        (config.max_backoff_ms as number) < (config.backoff_ms as number)
      ) {
        unusable(report, "max_backoff_ms", "must be at least backoff_ms");
      }
      if (config.jitter !== undefined && typeof config.jitter !== "boolean") {
        unusable(report, "jitter", "must be true or false");
      }
      return;
    }
  }
}

/** CTRL134: a config in this project's earlier shape; the message names Lattice's key. */
export function checkEarlierKeys(_context: CheckContext, report: SurfaceReporter): void {
  const config = asObject(report.surface.config);
  if (config === undefined) return;
  const earlier = (keys: string, lattice: string) =>
    report.warning("CTRL134", `uses the earlier ${keys}; Lattice's Flow IR writes ${lattice}`);
  switch (report.surface.kind) {
    case "rate_limit":
      if (config.limit !== undefined || config.window_ms !== undefined) {
        earlier('keys "limit" and "window_ms"', '{ "v": 1, "target": alias, "qps": n, "burst": n } (a token bucket)');
      }
      return;
    case "for_each":
      if (config.body !== undefined && config.body_entry === undefined) earlier('key "body"', '"body_entry"');
      return;
    case "error_handler":
      if (config.scope === undefined)
        earlier("form that takes its nodes from targets", '"scope": { "nodes": [alias, …] }');
      return;
  }
}
