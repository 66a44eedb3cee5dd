import { exports } from "cloudflare:workers";
import { validate } from "@flows/flow-ir";
import { describe, expect, it } from "vitest";

const flow = {
  id: "f",
  name: "f",
  version: "1.0.0",
  profile: "web",
  nodes: [
    {
      id: "f::a",
      alias: "a",
      identifier: "t::a",
      name: "A",
      kind: "trigger",
      in_schema: { kind: "opaque" },
      out_schema: { kind: "opaque" },
      effects: "pure",
      determinism: "strict",
    },
  ],
};

describe("flow-ir inside workerd", () => {
  it("validates in the isolate itself", () => {
    expect(validate(flow).ok).toBe(true);
    expect(validate("{").diagnostics.map((d) => d.code)).toEqual(["FLOW001"]);
  });

  it("serves validation from a Worker fetch handler", async () => {
    const response = await exports.default.fetch(
      new Request("http://flows.test/", { method: "POST", body: JSON.stringify({ ...flow, nodes: [] }) }),
    );
    expect(await response.json()).toEqual({ ok: true, codes: [] });
    const bad = await exports.default.fetch(new Request("http://flows.test/", { method: "POST", body: "[]" }));
    expect(await bad.json()).toEqual({ ok: false, codes: ["FLOW002"] });
  });
});
