import { describe, expect, it } from "vitest";
import { restartsAfter } from "./restart-policy";
import { containerSettings } from "./settings";

describe("container settings", () => {
  it("fills the contract's defaults", () => {
    expect(containerSettings({ capabilities: {} })).toBeUndefined();
    expect(containerSettings({ container: {} })).toMatchObject({
      binding: "FLOW_CONTAINER",
      className: "FlowContainer",
      restartPolicy: "on_failure",
      crashLoop: { maxCrashes: 3, windowMs: 600_000 },
      instances: 1,
      alwaysOn: [],
      nodes: [],
      flows: [],
      env: { PORT: "8080" },
    });
  });

  it("keeps the runtime's port whatever env says", () => {
    const settings = containerSettings({ container: { env: { PORT: "9999", MODE: "x" }, sleep_after: "5m" } });
    expect(settings?.env).toEqual({ PORT: "8080", MODE: "x" });
    expect(settings?.sleepAfter).toBe("5m");
  });
});

describe("restart policy", () => {
  const stop = (crash: boolean, requested = false, tripped = false) => ({ crash, requested, tripped });
  it.each([
    ["always", stop(false), true],
    ["always", stop(true), true],
    ["on_failure", stop(false), false],
    ["on_failure", stop(true), true],
    ["never", stop(true), false],
  ] as const)("%s after %o restarts: %s", (policy, outcome, expected) => {
    expect(restartsAfter(policy, outcome)).toBe(expected);
  });

  it("never restarts a requested stop or once crash-loop protection tripped", () => {
    for (const policy of ["always", "on_failure", "never"] as const) {
      expect(restartsAfter(policy, stop(true, true))).toBe(false);
      expect(restartsAfter(policy, stop(true, false, true))).toBe(false);
    }
  });
});
