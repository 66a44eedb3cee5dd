import { doCapability } from "@flows/cap-do";
import { kvCapability } from "@flows/cap-kv";
import { queueCapability } from "@flows/cap-queue";
import { r2Capability } from "@flows/cap-r2";
import { createCapabilityRegistry } from "@flows/caps";
import type { FlowIR } from "@flows/flow-ir";
import { describe, expect, it } from "vitest";
import { BUNDLED_CAPABILITY_NAMESPACES, unservedHints } from "./unserved-hints";

const bundled = [kvCapability, r2Capability, queueCapability, doCapability];

const flowWith = (...hints: string[]) =>
  ({
    id: "f",
    nodes: hints.map((hint, index) => ({ alias: `n${index}`, effectHints: [hint], determinismHints: [] })),
  }) as unknown as FlowIR;

describe("unservedHints", () => {
  it("knows the namespace of every hint a bundled capability registers, and the capability behind it", () => {
    for (const capability of bundled) {
      for (const { hint } of capability.hints) {
        const namespace = hint.split("::").slice(0, 2).join("::");
        expect(BUNDLED_CAPABILITY_NAMESPACES[namespace], hint).toBe(capability.name);
      }
    }
  });

  it("reports CAP101 once per missing capability, at the first node that needs it", () => {
    const diagnostics = unservedHints(
      flowWith("resource::kv::read", "resource::kv::write", "resource::blob::write", "resource::http::get"),
      createCapabilityRegistry([]),
    );
    expect(diagnostics.map((d) => [d.code, d.node, d.hint])).toEqual([
      ["CAP101", "n0", "resource::kv::read"],
      ["CAP101", "n2", "resource::blob::write"],
    ]);
    expect(diagnostics[0]?.message).toContain("createCapabilityRegistry([kvCapability]");
  });

  it("finds nothing once the capability is registered", () => {
    const registry = createCapabilityRegistry(bundled);
    expect(unservedHints(flowWith("resource::kv::write", "resource::dedupe::orders"), registry)).toEqual([]);
  });
});
