import type { FlowIR } from "../ir/types";
import { parseErrorHandlerConfig } from "../surfaces/error-handler";
import { parseForEachConfig } from "../surfaces/for-each";
import { parseIfConfig } from "../surfaces/if";
import { parseRateLimitConfig } from "../surfaces/rate-limit";
import { parseSwitchConfig } from "../surfaces/switch";
import { parseTimeoutConfig } from "../surfaces/timeout";

export interface GraphNode {
  readonly alias: string;
  readonly kind: string;
  /** Surface notes shown with the node: timeouts, retries, rate limits. */
  readonly notes: readonly string[];
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly labels: readonly string[];
  readonly exactlyOnce: boolean;
}

export interface GraphModel {
  readonly title: string;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

/**
 * What a diagram shows: nodes with their kind and surface notes, edges labelled with the
 * branch that takes them (if/switch), for-each fan-outs, delivery and budgets. Malformed
 * surface configs are simply not drawn; `validate` reports them.
 */
export function graphModel(flow: FlowIR): GraphModel {
  const notes = new Map<string, string[]>(flow.nodes.map((node) => [node.alias, []]));
  const labels = new Map<string, string[]>();
  const key = (from: string, to: string) => `${from}\u0000${to}`;
  const label = (from: string, to: string, text: string) => {
    const list = labels.get(key(from, to)) ?? [];
    list.push(text);
    labels.set(key(from, to), list);
  };
  const note = (alias: string, text: string) => notes.get(alias)?.push(text);

  for (const surface of flow.control_surfaces) {
    switch (surface.kind) {
      case "if": {
        const parsed = parseIfConfig(surface.config);
        if (!parsed.ok) break;
        const { source, then, selector_pointer: pointer } = parsed.config;
        label(source, then, `${surface.id}: ${pointer} is true`);
        if (parsed.config.else !== undefined) label(source, parsed.config.else, `${surface.id}: else`);
        break;
      }
      case "switch": {
        const parsed = parseSwitchConfig(surface.config);
        if (!parsed.ok) break;
        const { source, cases, selector_pointer: pointer } = parsed.config;
        for (const [value, target] of Object.entries(cases))
          label(source, target, `${surface.id}: ${pointer} = ${value}`);
        if (parsed.config.default !== undefined) label(source, parsed.config.default, `${surface.id}: default`);
        break;
      }
      case "for_each": {
        const parsed = parseForEachConfig(surface.config);
        if (!parsed.ok) break;
        const { source, body, items_pointer: pointer, concurrency } = parsed.config;
        label(source, body, `for each ${pointer === "" ? "item" : pointer} (×${concurrency})`);
        break;
      }
      case "timeout": {
        const parsed = parseTimeoutConfig(surface.config);
        if (parsed.ok) for (const target of surface.targets) note(target, `timeout ${parsed.config.timeout_ms} ms`);
        break;
      }
      case "error_handler": {
        const parsed = parseErrorHandlerConfig(surface.config);
        if (!parsed.ok) break;
        const text =
          parsed.config.strategy === "retry"
            ? `retry ×${parsed.config.max_retries}, backoff ${parsed.config.backoff_ms} ms`
            : `on error: ${parsed.config.strategy}`;
        for (const target of surface.targets) note(target, text);
        break;
      }
      case "rate_limit": {
        const parsed = parseRateLimitConfig(surface.config);
        if (!parsed.ok) break;
        for (const target of surface.targets)
          note(target, `≤ ${parsed.config.limit} per ${parsed.config.window_ms} ms`);
        break;
      }
      default:
        for (const target of surface.targets) note(target, surface.kind);
    }
  }

  return {
    title: flow.name,
    nodes: flow.nodes.map((node) => ({ alias: node.alias, kind: node.kind, notes: notes.get(node.alias) ?? [] })),
    edges: flow.edges.map((edge) => {
      const extra: string[] = [];
      if (typeof edge.timeout_ms === "number") extra.push(`${edge.timeout_ms} ms`);
      if (typeof edge.buffer.max_items === "number") extra.push(`buffer ${edge.buffer.max_items}`);
      return {
        from: edge.from,
        to: edge.to,
        labels: [...(labels.get(key(edge.from, edge.to)) ?? []), ...extra],
        exactlyOnce: edge.delivery === "exactly_once",
      };
    }),
  };
}
