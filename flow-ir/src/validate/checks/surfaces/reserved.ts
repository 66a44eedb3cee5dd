import { edgeLabel } from "../../../diagnostics/diagnostic";
import type { CheckContext } from "../../context";
import { asObject, asString, asU64, isPointer, readVersioned, type SurfaceReporter } from "./read";

// The surfaces Lattice's `check_reserved_control_surfaces` validates, check for check and in
// its order: where Lattice stops reading a config (`continue`), so do these.

function knownNodes(context: CheckContext, report: SurfaceReporter, aliases: readonly [string, string][]): boolean {
  let known = true;
  for (const [field, alias] of aliases) {
    if (context.nodes.has(alias)) continue;
    known = false;
    report.error(
      "CTRL131",
      `config.${field} names unknown node "${alias}": use the alias of a node in this flow`,
      `/config/${field}`,
    );
  }
  return known;
}

export function checkForEach(context: CheckContext, report: SurfaceReporter): void {
  const config = readVersioned(report, "CTRL130");
  if (config === undefined) return;
  const source = asString(config.source);
  if (source === undefined) {
    report.error("CTRL130", "config.source must be a node alias (string)", "/config/source");
    return;
  }
  const items = asString(config.items_pointer);
  if (items === undefined) {
    report.error(
      "CTRL130",
      'config.items_pointer must be a JSON Pointer string ("" for the whole output)',
      "/config/items_pointer",
    );
    return;
  }
  const body = asString(config.body_entry);
  if (body === undefined) {
    const earlier =
      typeof config.body === "string" ? ` (this config uses the earlier key "body": rename it to "body_entry")` : "";
    report.error("CTRL130", `config.body_entry must be a node alias (string)${earlier}`, "/config/body_entry");
    return;
  }
  const known = knownNodes(context, report, [
    ["source", source],
    ["body_entry", body],
  ]);
  if (!isPointer(items)) {
    report.error("CTRL130", `config.items_pointer "${items}" must be "" or start with "/"`, "/config/items_pointer");
  }
  if (known && !context.hasEdge(source, body)) {
    report.error(
      "CTRL132",
      `runs "${body}" over the output of "${source}" but there is no edge ${edgeLabel(source, body)}: add it`,
      undefined,
      { edge: edgeLabel(source, body) },
    );
  }
}

export function checkPartition(context: CheckContext, report: SurfaceReporter): void {
  const config = readVersioned(report, "CTRL130");
  if (config === undefined) return;
  const edge = asObject(config.edge);
  if (edge === undefined) {
    report.error("CTRL130", 'config.edge must be an object { "from": alias, "to": alias }', "/config/edge");
    return;
  }
  const from = asString(edge.from);
  if (from === undefined) {
    report.error("CTRL130", "config.edge.from must be a node alias (string)", "/config/edge/from");
    return;
  }
  const to = asString(edge.to);
  if (to === undefined) {
    report.error("CTRL130", "config.edge.to must be a node alias (string)", "/config/edge/to");
    return;
  }
  const key = asString(config.key);
  if (key === undefined) {
    report.error("CTRL130", "config.key must be a string (the partition key expression)", "/config/key");
    return;
  }
  if (key === "") report.error("CTRL130", "config.key must not be empty", "/config/key");
  let known = true;
  for (const alias of [from, to]) {
    if (context.nodes.has(alias)) continue;
    known = false;
    report.error(
      "CTRL131",
      `config.edge names unknown node "${alias}": use the alias of a node in this flow`,
      "/config/edge",
    );
  }
  if (known && !context.hasEdge(from, to)) {
    report.error(
      "CTRL132",
      `partitions the edge ${edgeLabel(from, to)}, which does not exist: add it or fix config.edge`,
      "/config/edge",
      { edge: edgeLabel(from, to) },
    );
  }
}

export function checkRateLimit(context: CheckContext, report: SurfaceReporter): void {
  const config = readVersioned(report, "CTRL130");
  if (config === undefined) return;
  const target = asString(config.target);
  if (target === undefined) {
    report.error("CTRL130", "config.target must be a node alias (string)", "/config/target");
    return;
  }
  knownNodes(context, report, [["target", target]]);
  for (const [field, earlier] of [
    ["qps", "limit and window_ms"],
    ["burst", "limit"],
  ] as const) {
    if ((asU64(config[field]) ?? 0) > 0) continue;
    const hint =
      config[field] === undefined && config.limit !== undefined
        ? ` (this config uses the earlier ${earlier}: write qps and burst)`
        : "";
    report.error("CTRL130", `config.${field} must be a whole number of at least 1${hint}`, `/config/${field}`);
  }
}

const STRATEGIES = new Set(["retry", "fail", "continue"]);

export function checkErrorHandler(context: CheckContext, report: SurfaceReporter): void {
  const config = readVersioned(report, "CTRL130");
  if (config === undefined) return;
  const scope = asObject(config.scope);
  if (scope === undefined) {
    const hint = config.scope === undefined ? ' (the nodes it covers: "scope": { "nodes": [alias, …] })' : "";
    report.error("CTRL130", `config.scope must be an object${hint}`, "/config/scope");
    return;
  }
  if (!Array.isArray(scope.nodes)) {
    report.error("CTRL130", "config.scope.nodes must be an array of node aliases", "/config/scope/nodes");
    return;
  }
  scope.nodes.forEach((alias: unknown, position: number) => {
    if (typeof alias !== "string") {
      report.error(
        "CTRL130",
        "config.scope.nodes must contain node aliases (strings)",
        `/config/scope/nodes/${position}`,
      );
    } else if (!context.nodes.has(alias)) {
      report.error(
        "CTRL131",
        `config.scope.nodes names unknown node "${alias}": use the alias of a node in this flow`,
        `/config/scope/nodes/${position}`,
      );
    }
  });
  const strategy = asString(config.strategy);
  if (strategy === undefined) {
    report.error("CTRL130", 'config.strategy must be "retry", "fail" or "continue"', "/config/strategy");
    return;
  }
  if (!STRATEGIES.has(strategy)) {
    report.error("CTRL130", `config.strategy "${strategy}" must be "retry", "fail" or "continue"`, "/config/strategy");
  }
  for (const field of ["max_retries", "backoff_ms"] as const) {
    if (config[field] !== undefined && asU64(config[field]) === undefined) {
      report.error("CTRL130", `config.${field} must be a whole number ≥ 0`, `/config/${field}`);
    }
  }
}

export function checkWindow(_context: CheckContext, report: SurfaceReporter): void {
  const config = readVersioned(report, "CTRL130");
  if (config === undefined) return;
  const pointer = asString(config.event_time_pointer);
  if (pointer === undefined) {
    report.error("CTRL130", "config.event_time_pointer must be a JSON Pointer string", "/config/event_time_pointer");
    return;
  }
  if (!isPointer(pointer)) {
    report.error(
      "CTRL130",
      `config.event_time_pointer "${pointer}" must be "" or start with "/"`,
      "/config/event_time_pointer",
    );
  }
  if ((asU64(config.size_ms) ?? 0) === 0) {
    report.error("CTRL130", "config.size_ms must be a whole number of at least 1", "/config/size_ms");
  }
  if (asU64(config.allowed_lateness_ms) === undefined) {
    report.error("CTRL130", "config.allowed_lateness_ms must be a whole number ≥ 0", "/config/allowed_lateness_ms");
  }
  const watermark = asString(config.watermark);
  if (watermark === undefined) {
    report.error("CTRL130", "config.watermark must be a string", "/config/watermark");
    return;
  }
  if (watermark === "") report.error("CTRL130", "config.watermark must not be empty", "/config/watermark");
}
