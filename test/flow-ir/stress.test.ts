import { validate } from "@flows/flow-ir";
import { describe, expect, it } from "vitest";
import { buildFlow } from "../support/flow-builder";

// Sizes and shapes that would break a recursive validator: deep nesting, 100k-node chains,
// 100k-node cycles. Everything comes back as diagnostics.

function chainDocument(size: number, closeTheRing: boolean) {
  const nodes: Record<string, object> = {};
  const edges: [string, string][] = [];
  for (let index = 0; index < size; index += 1) {
    nodes[`n${index}`] = index === 0 ? { kind: "trigger" } : {};
    if (index > 0) edges.push([`n${index - 1}`, `n${index}`]);
  }
  if (closeTheRing) edges.push([`n${size - 1}`, "n1"]);
  return buildFlow("big", { nodes, edges });
}

describe("validator limits", () => {
  it("reports deeply nested JSON text without overflowing the stack", () => {
    const depth = 100_000;
    const text = `${"[".repeat(depth)}${"]".repeat(depth)}`;
    const result = validate(text);
    expect(result.ok).toBe(false);
    expect(result.diagnostics[0]?.code).toMatch(/FLOW00[12]/);
  });

  it("reports a deeply nested value inside a flow", () => {
    let nested: unknown = "leaf";
    for (let index = 0; index < 100_000; index += 1) nested = { next: nested };
    const document = { ...buildFlow("deep", { nodes: { start: {} } }), extra: nested };
    const result = validate(document);
    expect(result.ok).toBe(true);
    // Unknown members are kept, however deep.
    expect((result.flow as unknown as { extra: unknown }).extra).toBe(nested);
  });

  it("validates a 100,000-node chain", () => {
    const result = validate(chainDocument(100_000, false));
    expect(result.diagnostics).toEqual([]);
    expect(result.flow?.nodes).toHaveLength(100_000);
  });

  it("names the nodes on a cycle in a 100,000-node graph (DAG200)", () => {
    const result = validate(chainDocument(100_000, true));
    const cycles = result.diagnostics.filter((d) => d.code === "DAG200");
    expect(cycles).toHaveLength(1);
    expect(cycles[0]?.message).toContain("n99999");
    expect(cycles[0]?.message).toContain("n1");
  });

  it("keeps unknown fields at every level", () => {
    const document = buildFlow("u", { nodes: { start: {}, a: {} }, edges: [["start", "a"]] }) as Record<
      string,
      unknown
    > & {
      nodes: Record<string, unknown>[];
      edges: Record<string, unknown>[];
    };
    document.x_top = { any: [1, 2] };
    (document.nodes[0] as Record<string, unknown>).x_node = "kept";
    (document.nodes[0] as { idempotency: Record<string, unknown> }).idempotency.x_idem = true;
    (document.edges[0] as Record<string, unknown>).x_edge = 3;
    (document.edges[0] as { buffer: Record<string, unknown> }).buffer.x_buffer = null;
    const flow = validate(document).flow as unknown as typeof document;
    expect(flow.x_top).toEqual({ any: [1, 2] });
    expect(flow.nodes[0]?.x_node).toBe("kept");
    expect((flow.nodes[0] as { idempotency: Record<string, unknown> }).idempotency.x_idem).toBe(true);
    expect(flow.edges[0]?.x_edge).toBe(3);
    expect((flow.edges[0] as { buffer: Record<string, unknown> }).buffer.x_buffer).toBeNull();
  });
});
