import { describe, expect, it } from "vitest";
import { CONTAINER_ERROR_CODES } from "./errors";
import { containerSettings } from "./settings";
import { StartRefusal, startEnvironment } from "./start-env";

const settings = (container: Record<string, unknown>) => {
  const found = containerSettings({ container });
  if (found === undefined) throw new Error("a container section gives settings");
  return found;
};
const RUNTIME = { PORT: "8080", FLOWS_BUS_URL: "http://bus.flows.internal/bus" };

describe("the container's start environment", () => {
  it("joins the manifest's env, the named secrets and the builder's variables; the runtime's own win", async () => {
    const env = { GIT_TOKEN: "s3cret", OTHER: "not named" };
    const built = await startEnvironment(
      settings({ env: { MODE: "live", GIT_TOKEN: "plain" }, secrets: ["GIT_TOKEN"] }),
      RUNTIME,
      env,
      "tenant-7",
      (instance, given) => ({ TENANT: instance, SEEN: String(given.OTHER), PORT: "1", FLOWS_BUS_URL: "x" }),
    );
    expect(built).toEqual({ MODE: "live", GIT_TOKEN: "s3cret", TENANT: "tenant-7", SEEN: "not named", ...RUNTIME });
  });

  it("refuses to start without a named secret, naming it and not any value", async () => {
    const refused = await startEnvironment(
      settings({ secrets: ["GIT_TOKEN", "API_KEY"] }),
      RUNTIME,
      { API_KEY: "k" },
      "a",
      undefined,
    ).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StartRefusal);
    const failure = (refused as StartRefusal).failure;
    expect(failure).toMatchObject({
      code: CONTAINER_ERROR_CODES.environment,
      details: { secrets: ["GIT_TOKEN"], retryable: false },
    });
    expect(failure.error).toContain("GIT_TOKEN");
    expect(JSON.stringify(failure)).not.toContain('"k"');
  });

  it("answers a failing builder with the typed refusal", async () => {
    const refused = await startEnvironment(settings({}), RUNTIME, {}, "a", () => {
      throw new Error("no tenant a");
    }).catch((error: unknown) => error);
    expect((refused as StartRefusal).failure).toMatchObject({
      code: "CONTAINER_ENV",
      error: expect.stringContaining("no tenant a"),
    });
  });

  it("defaults: no secrets, internet on", () => {
    expect(settings({})).toMatchObject({ secrets: [], enableInternet: true });
    expect(settings({ enable_internet: false }).enableInternet).toBe(false);
  });
});
