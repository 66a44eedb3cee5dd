import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { doCapability } from "@flows/cap-do";
import { createOpendalDoProvider, doOpendalFsProvider } from "@flows/cap-do/opendal";
import { createMemoryKvProvider, kvCapability } from "@flows/cap-kv";
import { createOpendalKvProvider, kvOpendalFsProvider } from "@flows/cap-kv/opendal";
import { createCapabilityRegistry, preflight, resolveCapabilities } from "@flows/caps";
import { validate } from "@flows/flow-ir";
import { Operator } from "opendal";
import { afterAll, describe, expect, it } from "vitest";
import { buildFlow } from "../support/flow-builder";

const outers: string[] = [];
/** A root inside an otherwise empty folder, so anything written beside the root shows up. */
function sandbox() {
  const outer = mkdtempSync(join(tmpdir(), "flows-root-"));
  outers.push(outer);
  const root = join(outer, "root");
  mkdirSync(root);
  return { outer, root };
}
afterAll(() => {
  for (const outer of outers) rmSync(outer, { recursive: true, force: true });
});

// Keys a careless caller might hand a provider directly, past the capability's own checks.
const HOSTILE = [
  "../../escape",
  "/etc/flows-escape",
  "a/../../b",
  "..",
  ".",
  "~",
  "%2e%2e",
  "x".repeat(600),
  "é/".repeat(300),
];

describe("OpenDAL fs providers stay inside their root", () => {
  it("maps every key, even ones the capability would refuse, to a file inside the root", async () => {
    const { outer, root } = sandbox();
    const operator = new Operator("fs", { root });
    const kv = createOpendalKvProvider(operator);
    const state = createOpendalDoProvider(operator);
    for (const key of HOSTILE) {
      await kv.put(key, key, {});
      await state.put(key, JSON.stringify(key));
      await state.reserve(key, "run", 60_000);
    }
    expect(readdirSync(outer)).toEqual(["root"]);
    const top = readdirSync(root).sort();
    expect(top).toEqual(["do-ledger", "do-state", "kv"]);
    for (const key of HOSTILE) {
      expect(await kv.get(key, "text")).toBe(key);
      expect(await state.get(key)).toBe(JSON.stringify(key));
    }
    const listed = await kv.list({ limit: 1000 });
    expect(listed.keys.map((k) => k.name).sort()).toEqual([...HOSTILE].sort());
  });

  it("refuses path-like KV keys with CAP400 through the capability, writing nothing", async () => {
    const { root } = sandbox();
    const kv = kvCapability.bind(createOpendalKvProvider(new Operator("fs", { root })));
    for (const key of ["../x", "/x", "a/../b", "", "k".repeat(513)]) {
      await expect(kv.put(key, "v")).rejects.toMatchObject({ code: "CAP400" });
    }
    expect(readdirSync(root)).toEqual([]);
  });
});

describe("providers configured from flows.config.json", () => {
  const registry = createCapabilityRegistry([kvCapability, doCapability], {
    providers: [kvOpendalFsProvider, doOpendalFsProvider],
  });

  it("reads the fs root from the entry's options, and preflight asks for it when missing", async () => {
    const { root } = sandbox();
    const flow = validate(
      buildFlow("f", {
        nodes: { start: {}, w: { effects: "effectful", key: "id", effectHints: ["resource::kv::write"] } },
        edges: [["start", "w"]],
      }),
    ).flow;
    if (!flow) throw new Error("flow did not parse");
    const missing = preflight({
      flow,
      registry,
      manifest: { capabilities: { kv: { provider: "opendal.fs" } } },
      env: {},
    });
    expect(missing.diagnostics.map((d) => d.code)).toEqual(["CAP101"]);
    expect(missing.diagnostics[0]?.message).toContain('"root"');

    const manifest = { capabilities: { kv: { provider: "opendal.fs", options: { root } } } };
    expect(preflight({ flow, registry, manifest, env: {} }).ok).toBe(true);
    const resolved = await resolveCapabilities({ registry, manifest, env: {} });
    await resolved.apis.kv?.put("greeting", "hello");
    // A second resolution over the same root sees the same data: it is on disk.
    const again = await resolveCapabilities({ registry, manifest, env: {} });
    expect(await again.apis.kv?.get("greeting")).toBe("hello");
    expect(readdirSync(root)).toContain("kv");
  });

  it("keeps the pure memory provider free of any file", async () => {
    const kv = kvCapability.bind(createMemoryKvProvider());
    await kv.put("k", "v");
    expect(await kv.get("k")).toBe("v");
  });
});
