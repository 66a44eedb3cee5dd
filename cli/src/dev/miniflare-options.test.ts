import { describe, expect, it } from "vitest";
import type { Project } from "../publish/project";
import { miniflareOptions } from "./miniflare-options";

const project = (triggers: Project["manifest"]["triggers"]): Project => ({
  root: "/p",
  manifestFile: "/p/flows.config.json",
  manifest: { name: "p", capabilities: {}, secrets: [], ...(triggers === undefined ? {} : { triggers }) },
  flows: [],
  nodes: [],
  flowModules: [],
});
const settings = {
  scriptPath: "/p/dist/worker.js",
  stateDir: "/p/.flows/dev",
  port: 0,
  host: "127.0.0.1",
  secrets: {},
};

describe("flows dev's Miniflare options", () => {
  it("consume the event queues as well as the queues that start runs", () => {
    const options = miniflareOptions(
      project({ queues: { orders: { flow: "orders", max_retries: 2 } }, event_queues: ["settlements"] }),
      settings,
    );
    expect(options.queueConsumers).toEqual({
      orders: { maxBatchTimeout: 1, maxRetries: 3 },
      settlements: { maxBatchTimeout: 1 },
    });
  });

  it("give the Worker the local engine's bindings, or Docker's engine and image, only with a container", () => {
    const withContainer: Project = {
      ...project(undefined),
      manifest: { name: "p", capabilities: {}, secrets: [], container: { nodes: ["f::n"] } },
    };
    const local = miniflareOptions(withContainer, {
      ...settings,
      containers: { engine: "local", url: "http://127.0.0.1:1234", token: "t" },
    });
    expect(local.bindings).toMatchObject({
      FLOWS_LOCAL_CONTAINERS: "http://127.0.0.1:1234",
      FLOWS_LOCAL_CONTAINERS_TOKEN: "t",
    });
    expect((local.durableObjects as Record<string, unknown>).FLOW_CONTAINER).toEqual({
      className: "FlowContainer",
      useSQLite: true,
    });
    expect("containerEngine" in local).toBe(false);

    const docker = miniflareOptions(withContainer, {
      ...settings,
      containers: { engine: "docker", host: "unix:///var/run/docker.sock", image: "flows-dev-p:latest" },
    });
    expect((docker.durableObjects as Record<string, unknown>).FLOW_CONTAINER).toEqual({
      className: "FlowContainer",
      useSQLite: true,
      container: { imageName: "flows-dev-p:latest" },
    });
    expect(docker).toMatchObject({ containerEngine: "unix:///var/run/docker.sock" });
    expect(docker.bindings).not.toHaveProperty("FLOWS_LOCAL_CONTAINERS");

    // A project without a container gets neither, whatever the engine.
    const none = miniflareOptions(project(undefined), {
      ...settings,
      containers: { engine: "local", url: "http://127.0.0.1:1234", token: "t" },
    });
    expect(none.bindings).not.toHaveProperty("FLOWS_LOCAL_CONTAINERS");
  });
});
