import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { LOCAL_ENGINE_BINDINGS, LOCAL_NETWORK_PREFIX, localBusUrl } from "./local-engine-protocol";

// The Worker side (host-workers/src/container/local-engine.ts) loads in workerd only, so its
// names are compared as written.
const workerSide = readFileSync(
  resolve(import.meta.dirname, "../../../host-workers/src/container/local-engine.ts"),
  "utf8",
);

describe("the local container engine's contract", () => {
  it("names the same bindings and route on both sides", () => {
    expect(workerSide).toContain(`url: "${LOCAL_ENGINE_BINDINGS.url}"`);
    expect(workerSide).toContain(`token: "${LOCAL_ENGINE_BINDINGS.token}"`);
    expect(workerSide).toContain(`LOCAL_NETWORK_PREFIX = "${LOCAL_NETWORK_PREFIX}"`);
  });

  it("points the process's bus URL at the Worker's route for its instance, host and path kept", () => {
    expect(localBusUrl("http://127.0.0.1:8787/", "tok", "ab12", "http://bus.flows.internal/bus")).toBe(
      "http://127.0.0.1:8787/__flows/local-network/tok/ab12/bus.flows.internal/bus",
    );
  });
});
