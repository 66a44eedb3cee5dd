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
});
