import { describe, expect, it } from "vitest";
import { diagnosticsOf, findingsOf } from "../../../../test/flow-ir/support/findings";
import { flow, keyedWriter, node, trigger } from "../../../../test/flow-ir/support/flows";
import { BUILTIN_HINTS } from "../../hints/builtin";
import { createHintRegistry } from "../../hints/registry";
import type { ProjectManifestInput } from "../../manifest/manifest";

// Two capabilities as a capability package would register them: each hint names the
// capability that serves it, which the manifest must bind.
const registry = createHintRegistry([
  ...BUILTIN_HINTS,
  { hint: "resource::kv", capability: "kv", source: "kv", guidance: "kv" },
  { hint: "resource::dedupe::*", capability: "do", source: "do", minEffects: "effectful", guidance: "do" },
]);

const document = flow({
  nodes: [
    trigger("start", { effectHints: ["resource::http::read"], effects: "read_only", determinism: "best_effort" }),
    node("cache", { effectHints: ["resource::kv::read", "resource::kv::write"] }),
    keyedWriter("write", { effectHints: ["resource::dedupe::orders"], determinismHints: ["resource::kv::read"] }),
  ],
});

const bound = (capability: string, secrets?: string[]) => ({
  [capability]: { provider: "cloudflare", binding: capability.toUpperCase(), ...(secrets ? { secrets } : {}) },
});

describe("manifest bindings (DAG203)", () => {
  it("checks nothing without a manifest", () => {
    expect(findingsOf(document, { registry })).toEqual([]);
  });

  it("reports each capability a node uses and the manifest does not bind, once per node, at its first hint", () => {
    expect(findingsOf(document, { registry, manifest: {} })).toEqual([
      { code: "DAG203", path: "/nodes/1/effectHints/0", node: "cache", hint: "resource::kv::read" },
      { code: "DAG203", path: "/nodes/2/effectHints/0", node: "write", hint: "resource::dedupe::orders" },
      { code: "DAG203", path: "/nodes/2/determinismHints/0", node: "write", hint: "resource::kv::read" },
    ]);
    expect(diagnosticsOf(document, ["DAG203"], { registry, manifest: {} })[0]?.message).toContain(
      'node "cache" uses capability "kv" (hint "resource::kv::read") but the manifest binds none: add "capabilities": { "kv": ',
    );
  });

  it("is satisfied by bindings for every capability used; built-in hints need none", () => {
    const manifest = { capabilities: { ...bound("kv"), ...bound("do") } };
    expect(findingsOf(document, { registry, manifest })).toEqual([]);
  });

  it("reports each secret a binding needs and the manifest does not list, once per flow", () => {
    const manifest = {
      capabilities: { ...bound("kv", ["KV_TOKEN", "KV_SALT"]), ...bound("do") },
      secrets: ["KV_SALT"],
    };
    expect(findingsOf(document, { registry, manifest })).toEqual([
      { code: "DAG203", path: "/nodes/1/effectHints/0", node: "cache", hint: "resource::kv::read" },
    ]);
    expect(diagnosticsOf(document, ["DAG203"], { registry, manifest })[0]?.message).toBe(
      'capability "kv" (used by node "cache") needs secret "KV_TOKEN" which the manifest does not list: add it to "secrets" in flows.config.json',
    );
    const listed = { ...manifest, secrets: ["KV_SALT", "KV_TOKEN"] };
    expect(findingsOf(document, { registry, manifest: listed })).toEqual([]);
  });

  it("reports a malformed manifest once, at the document root, and checks no binding", () => {
    const malformed: unknown[] = [
      { capabilities: "kv" },
      { secrets: "KV_TOKEN" },
      { capabilities: { kv: { secrets: [1] } } },
    ];
    for (const manifest of malformed) {
      const result = diagnosticsOf(document, ["DAG203"], { registry, manifest: manifest as ProjectManifestInput });
      expect(
        result.map((d) => [d.code, d.path]),
        JSON.stringify(manifest),
      ).toEqual([["DAG203", ""]]);
      expect(result[0]?.message).toMatch(/^the manifest is malformed \(.+\), so no binding or secret can be checked/);
    }
  });
});
