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
});
