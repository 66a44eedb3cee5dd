import { doCapability, doMemoryProvider } from "@flows/cap-do";
import { kvCapability, kvMemoryProvider } from "@flows/cap-kv";
import { cloudflareKvProvider } from "@flows/cap-kv/workers";
import {
  createCapabilityRegistry,
  hintRegistryFor,
  type ManifestLike,
  preflight,
  resolveCapabilities,
  scopeCapabilities,
} from "@flows/caps";
import { type FlowIR, validate } from "@flows/flow-ir";
import { createKernel, createMemoryJournal, type NodeContext, systemClock } from "@flows/kernel";
import { describe, expect, expectTypeOf, it } from "vitest";
import { buildFlow } from "../support/flow-builder";

const registry = createCapabilityRegistry([kvCapability, doCapability], {
  providers: [kvMemoryProvider, cloudflareKvProvider, doMemoryProvider],
});

const parse = (doc: unknown): FlowIR => {
  const result = validate(doc, { registry: registry.hints });
  if (!result.flow) throw new Error(JSON.stringify(result.diagnostics));
  return result.flow;
};

describe("capability registry", () => {
  it("registers each capability's hints with the validator", () => {
    expect(registry.hints.knows("resource::kv::write")).toBe(true);
    expect(registry.hints.knows("resource::dedupe::orders")).toBe(true);
    expect(registry.hints.knows("resource::http::read")).toBe(true);
    expect(registry.capabilitiesForHint("resource::kv::read")).toEqual(["kv"]);
    expect(registry.capabilitiesForHint("resource::kv::write::orders")).toEqual(["kv"]);
    expect(registry.capabilitiesForHint("resource::dedupe::orders")).toEqual(["do"]);
    expect(registry.capabilitiesForHint("resource::http::read")).toEqual([]);
    // The broad family names no operation, so it requires (and grants) nothing.
    expect(registry.capabilitiesForHint("resource::kv")).toEqual([]);
    expect(registry.providerKinds("kv")).toEqual(["memory", "cloudflare.kv"]);
  });

  it("refuses a capability registered twice and a provider for an unregistered capability", () => {
    expect(() => createCapabilityRegistry([kvCapability, kvCapability])).toThrow(
      expect.objectContaining({ code: "CAP400" }),
    );
    expect(() => createCapabilityRegistry([kvCapability], { providers: [doMemoryProvider] })).toThrow(
      expect.objectContaining({ code: "CAP400" }),
    );
  });

  it("gives the same flow DET302 only once caps/do is registered", () => {
    const flow = buildFlow("ledger", {
      nodes: {
        start: {},
        record: {
          effects: "effectful",
          determinism: "strict",
          key: "id",
          effectHints: ["resource::do::write"],
          determinismHints: ["resource::do::write"],
        },
      },
      edges: [["start", "record"]],
    });
    const without = validate(flow, { registry: hintRegistryFor([kvCapability]) });
    expect(without.diagnostics).toEqual([]);
    const withDo = validate(flow, { registry: createCapabilityRegistry([kvCapability, doCapability]).hints });
    expect(withDo.diagnostics.map((d) => [d.code, d.node, d.hint])).toEqual([
      ["DET302", "record", "resource::do::write"],
    ]);
  });
});

describe("preflight", () => {
  const flow = parse(
    buildFlow("orders", {
      nodes: {
        start: {},
        remember: { effects: "effectful", key: "id", effectHints: ["resource::kv::write"] },
        once: { effects: "effectful", key: "id", effectHints: ["resource::dedupe::orders"] },
        fetch: { effects: "read_only", determinism: "best_effort", effectHints: ["resource::http::read"] },
      },
      edges: [
        ["start", "remember"],
        ["remember", "once"],
        ["once", "fetch"],
      ],
    }),
  );
  const codes = (manifest: ManifestLike, env: Record<string, unknown> = {}) =>
    preflight({ flow, registry, manifest, env }).diagnostics.map((d) => [d.code, d.node, d.hint]);

  it("is clean when every required capability has a provider, binding and secrets", () => {
    const result = preflight({
      flow,
      registry,
      manifest: {
        capabilities: {
          kv: { provider: "cloudflare.kv", binding: "KV", secrets: ["TOKEN"] },
          do: { provider: "memory" },
        },
        secrets: ["TOKEN"],
      },
      env: { KV: {}, TOKEN: "t" },
    });
    expect(result).toEqual({ ok: true, diagnostics: [], required: ["kv", "do"] });
  });

  it("reports CAP101 for a required capability with no provider, at the first node that needs it", () => {
    expect(codes({ capabilities: { kv: { provider: "memory" } } })).toEqual([
      ["CAP101", "once", "resource::dedupe::orders"],
    ]);
    expect(codes({ capabilities: { kv: {}, do: { provider: "memory" } } })).toEqual([
      ["CAP101", "remember", "resource::kv::write"],
    ]);
    const [unknown] = preflight({
      flow,
      registry,
      manifest: { capabilities: { kv: { provider: "opendal.fs" }, do: { provider: "memory" } } },
      env: {},
    }).diagnostics;
    expect(unknown).toMatchObject({ code: "CAP101", path: "/nodes/1/effectHints/0" });
    expect(unknown?.message).toContain("available here: memory, cloudflare.kv");
  });

  it("reports DAG203 for a missing binding or secret", () => {
    const both = { do: { provider: "memory" } };
    expect(codes({ capabilities: { ...both, kv: { provider: "cloudflare.kv" } } })).toEqual([
      ["DAG203", "remember", "resource::kv::write"],
    ]);
    expect(codes({ capabilities: { ...both, kv: { provider: "cloudflare.kv", binding: "KV" } } })).toEqual([
      ["DAG203", "remember", "resource::kv::write"],
    ]);
    const secret = { ...both, kv: { provider: "memory", secrets: ["TOKEN"] } };
    expect(codes({ capabilities: secret }, { TOKEN: "t" })).toEqual([["DAG203", "remember", "resource::kv::write"]]);
    expect(codes({ capabilities: secret, secrets: ["TOKEN"] })).toEqual([
      ["DAG203", "remember", "resource::kv::write"],
    ]);
    expect(codes({ capabilities: secret, secrets: ["TOKEN"] }, { TOKEN: "t" })).toEqual([]);
  });
});

describe("scoped access", () => {
  const manifest = { capabilities: { kv: { provider: "memory" }, do: { provider: "memory" } } };

  it("resolves providers from the manifest and refuses what resolution cannot do", async () => {
    const resolved = await resolveCapabilities({ registry, manifest, env: {} });
    expect(Object.keys(resolved.apis).sort()).toEqual(["do", "kv"]);
    await expect(
      resolveCapabilities({ registry, manifest: { capabilities: { kv: { provider: "cloudflare.kv" } } }, env: {} }),
    ).rejects.toMatchObject({ code: "DAG203" });
    await expect(
      resolveCapabilities({ registry, manifest: { capabilities: {} }, env: {}, only: ["kv"] }),
    ).rejects.toMatchObject({ code: "CAP101" });
    await expect(
      resolveCapabilities({
        registry,
        manifest: { capabilities: { kv: { provider: "cloudflare.kv", binding: "KV" } } },
        env: { KV: "not a namespace" },
      }),
    ).rejects.toMatchObject({ code: "DAG203" });
  });

  it("gives a node only the operations its hints grant, in types and at run time", async () => {
    const resolved = await resolveCapabilities({ registry, manifest, env: {} });
    const reader = scopeCapabilities(resolved, ["resource::kv::read"]);
    expectTypeOf(reader).toEqualTypeOf<{
      readonly kv: Pick<import("@flows/cap-kv").KvApi, "get" | "getWithMetadata" | "list">;
    }>();
    expect(await reader.kv.get("missing")).toBeNull();
    // @ts-expect-error put needs resource::kv::write, which this node did not declare.
    const refused = reader.kv.put("k", "v");
    await expect(refused).rejects.toMatchObject({ code: "CAP403", retryable: false });
    // @ts-expect-error the do capability is not declared at all.
    await expect(reader.do.get("k")).rejects.toMatchObject({
      code: "CAP403",
      details: { capability: "do", operation: "get", hint: "resource::do::read" },
    });
  });

  it("grants through hints beneath an operation's hint, never through broader ones", async () => {
    const resolved = await resolveCapabilities({ registry, manifest, env: {} });
    const writer = scopeCapabilities(resolved, ["resource::kv::write::orders", "resource::dedupe::*"]);
    expectTypeOf<keyof typeof writer.kv>().toEqualTypeOf<"put" | "delete">();
    expectTypeOf<keyof typeof writer.do>().toEqualTypeOf<"reserve" | "complete" | "release" | "lookup">();
    await writer.kv.put("k", "v");
    expect(await writer.do.reserve("k", "run-1", 1000)).toEqual({ status: "granted" });
    const broad = scopeCapabilities(resolved, ["resource::kv"]);
    expectTypeOf<keyof typeof broad>().toEqualTypeOf<never>();
    const runtime = broad as unknown as { kv: { get(key: string): Promise<unknown> } };
    await expect(runtime.kv.get("k")).rejects.toMatchObject({ code: "CAP403" });
  });

  it("plugs into the kernel as the host's per-node capabilities", async () => {
    const resolved = await resolveCapabilities({ registry, manifest, env: {} });
    const flow = buildFlow("count", {
      nodes: {
        start: {},
        bump: { effects: "effectful", key: "id", effectHints: ["resource::do::write"] },
        peek: { effects: "read_only", determinism: "best_effort", effectHints: ["resource::do::read"] },
      },
      edges: [
        ["start", "bump"],
        ["bump", "peek"],
      ],
    });
    type BumpCaps = ReturnType<
      typeof scopeCapabilities<(typeof registry.capabilities)[number], ["resource::do::write"]>
    >;
    const kernel = createKernel({
      flows: [flow],
      nodes: {
        "count::start": (input) => input,
        "count::bump": async (_input, ctx: NodeContext) => {
          const caps = ctx.caps as BumpCaps;
          return caps.do.update<number>("visits", (n) => (n ?? 0) + 1);
        },
        "count::peek": async (_input, ctx: NodeContext) => {
          const caps = ctx.caps as BumpCaps;
          // Writing from a read-only node is refused with a coded error the kernel keeps.
          return caps.do.put("visits", 0);
        },
      },
      host: {
        journal: createMemoryJournal(),
        clock: systemClock,
        newId: () => crypto.randomUUID(),
        logger: () => {},
        capabilities: (node) => scopeCapabilities(resolved, [...node.effectHints, ...node.determinismHints]),
      },
    });
    const outcome = await kernel.invoke({ flow: "count", payload: { id: "1" } });
    expect(outcome).toMatchObject({ status: "failed", error: { code: "CAP403", details: { node: "peek" } } });
    expect(await resolved.apis.do?.get("visits")).toBe(1);
  });
});
