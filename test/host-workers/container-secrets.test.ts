import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildContainerBin } from "../host-container/container-harness";
import { type Booted, boot, shutdown } from "./container/boot";

// Secrets for the container, end to end: the manifest names API_KEY in `container.secrets`, the
// Worker has it as a secret binding, the Container class hands it to a real `flows-container`
// process when it starts it (through the Docker-engine stand-in, see container.test.ts), and a
// node there reads it. The value appears in no log line, status or response on the way.

const SECRET = "sk_live_4f1c9e2a7b3d8e6f";
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

beforeAll(() => buildContainerBin(), 60_000);

describe("container secrets", () => {
  let app: Booted;
  beforeAll(async () => {
    app = await boot("container-worker-secrets.ts", { bindings: { API_KEY: SECRET } });
  }, 60_000);
  afterAll(() => shutdown(app));

  it("a node in the container reads the secret and the per-instance variables; nothing shows the value", async () => {
    const response = await app.post("/flows/keyed/invoke?run_id=keyed-1&container_key=tenant-a", { id: "k1" });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    const body = JSON.parse(text) as { output: Record<string, unknown> };
    expect(body.output).toEqual({
      id: "k1",
      key_sha256: sha256(SECRET),
      tenant: "tenant-a",
      greeting: "hello from the manifest",
    });

    // Everything a user or an operator can read back: the run, its history, the instance status.
    const seen = [
      text,
      await (await app.call("/runs/keyed-1")).text(),
      await (await app.call("/containers/tenant-a")).text(),
      await (await app.call("/containers")).text(),
    ];
    expect(seen[2]).toContain('"name":"tenant-a"');
    // enable_internet: false reached the start; the run's journal still went over the bus.
    expect(app.supervisor.internet(await app.containerId("tenant-a"))).toBe(false);
    // And every line workerd and the container process printed.
    expect(app.output.some((line) => line.includes("calling the API with the key"))).toBe(true);
    expect(app.output.some((line) => line.includes("container started"))).toBe(true);
    for (const shown of [...seen, ...app.output]) expect(shown).not.toContain(SECRET);
  });

  it("each instance starts with its own name from the builder", async () => {
    const response = await app.post("/flows/keyed/invoke?container_key=tenant-b", { id: "k2" });
    expect(((await response.json()) as { output: { tenant: string } }).output.tenant).toBe("tenant-b");
  });

  it("a builder that throws refuses the start with CONTAINER_ENV: nothing started, no crash counted", async () => {
    const response = await app.post("/flows/keyed/invoke?container_key=unknown-tenant", { id: "k4" });
    const text = await response.clone().text();
    expect(response.status, text).toBe(503);
    const body = (await response.json()) as { code: string; error: string; details: Record<string, unknown> };
    expect(body).toMatchObject({ code: "CONTAINER_ENV", details: { retryable: false } });
    expect(body.error).toContain("no tenant unknown-tenant");
    expect(app.supervisor.starts().has(await app.containerId("unknown-tenant"))).toBe(false);
    const status = (await (await app.call("/containers/unknown-tenant")).json()) as Record<string, unknown>;
    expect(status).toMatchObject({ running: false, crashes: 0 });
  });
});

describe("a container secret the Worker does not have", () => {
  let app: Booted;
  beforeAll(async () => {
    app = await boot("container-worker-secrets.ts");
  }, 60_000);
  afterAll(() => shutdown(app));

  it("is DAG203 before anything runs, naming the secret", async () => {
    const response = await app.post("/flows/keyed/invoke?container_key=tenant-a", { id: "k3" });
    expect(response.status).toBeGreaterThanOrEqual(400);
    const body = (await response.json()) as { code: string; error: string; details: Record<string, unknown> };
    expect(body.code).toBe("DAG203");
    expect(body.details).toMatchObject({ secrets: ["API_KEY"] });
    expect(body.error).toContain("wrangler secret put");
    expect(app.supervisor.starts().size).toBe(0);
  });
});
