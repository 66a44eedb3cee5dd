import { describe, expect, it } from "vitest";
import { closest } from "./closest";

const VERBS = ["validate", "graph", "schema", "run", "resume", "runs", "inspect"];

describe("closest", () => {
  it("finds typos, swapped letters and prefixes", () => {
    expect(closest("valdiate", VERBS)).toBe("validate");
    expect(closest("grpah", VERBS)).toBe("graph");
    expect(closest("shema", VERBS)).toBe("schema");
    expect(closest("val", VERBS)).toBe("validate");
    expect(closest("VALIDATE", VERBS)).toBe("validate");
    expect(closest("max_retry", ["flow", "max_retries", "retry_delay_seconds"])).toBe("max_retries");
  });

  it("suggests nothing when nothing is close", () => {
    expect(closest("deploy", VERBS)).toBeUndefined();
    expect(closest("x", VERBS)).toBeUndefined();
  });
});
