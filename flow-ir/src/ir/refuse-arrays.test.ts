import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { ManifestSchema } from "../manifest/manifest";
import { validate } from "../validate/validate";
import { refuseArrays } from "./refuse-arrays";

describe("refuseArrays", () => {
  it("makes object and record schemas refuse arrays, as JSON Schema's type object does", () => {
    expect(v.safeParse(v.looseObject({}), []).success).toBe(true);
    expect(v.safeParse(refuseArrays(v.looseObject({})), []).success).toBe(false);
    expect(v.safeParse(refuseArrays(v.record(v.string(), v.number())), [1]).success).toBe(false);
    expect(v.safeParse(refuseArrays(v.record(v.string(), v.number())), { a: 1 }).output).toEqual({ a: 1 });
  });

  it("refuses a manifest whose capabilities are an array (DAG203: malformed manifest)", () => {
    expect(v.safeParse(ManifestSchema, { capabilities: [] }).success).toBe(false);
    const flow = { id: "f", name: "f", version: "1", profile: "dev" };
    const { diagnostics } = validate(flow, { manifest: { capabilities: [] } as never });
    expect(diagnostics.map((d) => d.code)).toEqual(["DAG203"]);
    expect(diagnostics[0]?.message).toContain("malformed");
  });
});
