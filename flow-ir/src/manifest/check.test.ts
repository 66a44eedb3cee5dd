import { describe, expect, it } from "vitest";
import { checkManifestText } from "./check";

const manifest = `{
  "name": "shop",
  "flows": ["orders.flow.json"],
  "nodes": ["nodes.ts"],
  "compatibility_date": "April 26",
  "capabilities": { "kv": { "provider": "opendal.fs", "binding": 7 } },
  "triggers": { "routes": ["shop.example.com/*", { "zone_name": "example.com" }] }
}
`;

describe("checkManifestText", () => {
  it("accepts a full project manifest and keeps unknown fields", () => {
    const result = checkManifestText(
      JSON.stringify({
        name: "shop",
        flows: ["a.flow.json"],
        nodes: ["nodes.ts"],
        compatibility_date: "2026-04-26",
        compatibility_flags: ["nodejs_compat"],
        vars: { MODE: "live" },
        capabilities: { r2: { provider: "opendal.fs", binding: "FILES", bucket_name: "files" } },
        secrets: ["STRIPE_KEY"],
        triggers: { routes: ["shop.example.com/*"], crons: { "0 * * * *": ["a"] } },
        later: true,
      }),
    );
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.manifest).toMatchObject({ name: "shop", later: true, vars: { MODE: "live" } });
  });

  it("reports every schema violation with its pointer and the line and column of its member", () => {
    const result = checkManifestText(manifest);
    expect(result.ok).toBe(false);
    const found = result.diagnostics.map((d) => [d.code, d.path, d.position?.line, d.position?.column]);
    expect(found).toEqual([
      ["MANIFEST002", "/compatibility_date", 5, 3],
      ["MANIFEST002", "/capabilities/kv/binding", 6, 55],
      ["MANIFEST002", "/triggers/routes/1", 7, 50],
    ]);
    expect(result.diagnostics[0]?.message).toContain("compatibility_date must be a date like 2026-04-26");
  });

  it("reports text that is not JSON as MANIFEST001 at the syntax error", () => {
    const result = checkManifestText('{\n  "name": "shop",\n  "flows": [\n}\n');
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({ code: "MANIFEST001", position: { line: 4, column: 1 } });
  });

  it("refuses a Worker name wrangler would refuse", () => {
    const result = checkManifestText('{ "name": "My Shop" }');
    expect(result.diagnostics.map((d) => [d.code, d.path])).toEqual([["MANIFEST002", "/name"]]);
  });

  it("warns about each unknown key at any depth (MANIFEST004), naming the key it most likely meant", () => {
    const text = `{
  "name": "shop",
  "capabilites": { "kv": { "provider": "opendal.fs" } },
  "capabilities": { "kv": { "provider": "opendal.fs", "bindng": "KV" } },
  "triggers": { "queues": { "jobs": { "flow": "a", "max_retry": 3 } }, "routes": [{ "pattern": "a/*", "zone": "x" }] },
  "container": { "restart_polcy": "always", "crash_loop": { "max_crashes": 3, "window_ms": 1, "windo_ms": 2 } },
  "later": true
}`;
    const result = checkManifestText(text);
    // Unknown keys are kept (a newer manifest must load), so these are warnings, not errors.
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.manifest).toMatchObject({ later: true, container: { restart_polcy: "always" } });
    const found = result.diagnostics.map((d) => [d.code, d.severity, d.path, d.position?.line, d.position?.column]);
    expect(found).toEqual([
      ["MANIFEST004", "warning", "/capabilites", 3, 3],
      ["MANIFEST004", "warning", "/capabilities/kv/bindng", 4, 55],
      ["MANIFEST004", "warning", "/triggers/queues/jobs/max_retry", 5, 52],
      ["MANIFEST004", "warning", "/triggers/routes/0/zone", 5, 103],
      ["MANIFEST004", "warning", "/container/restart_polcy", 6, 18],
      ["MANIFEST004", "warning", "/container/crash_loop/windo_ms", 6, 95],
      ["MANIFEST004", "warning", "/later", 7, 3],
    ]);
    const messages = result.diagnostics.map((d) => d.message);
    expect(messages[0]).toBe('/capabilites: unknown key "capabilites" is ignored; did you mean "capabilities"?');
    expect(messages[1]).toContain('did you mean "binding"?');
    expect(messages[2]).toContain('did you mean "max_retries"?');
    expect(messages[4]).toContain('did you mean "restart_policy"?');
    expect(messages[5]).toContain('did you mean "window_ms"?');
    expect(messages[6]).toMatch(/^\/later: unknown key "later" is ignored; known here: \$schema, name, flows, /);
  });

  it("reports unknown keys beside schema errors, and none for a clean manifest", () => {
    const broken = checkManifestText('{ "name": "My Shop", "nme": "x" }');
    expect(broken.diagnostics.map((d) => [d.code, d.path])).toEqual([
      ["MANIFEST002", "/name"],
      ["MANIFEST004", "/nme"],
    ]);
    const clean = checkManifestText(
      '{ "$schema": "x", "name": "shop", "capabilities": { "kv": { "options": { "any": 1 } } } }',
    );
    expect(clean.diagnostics).toEqual([]);
  });
});
