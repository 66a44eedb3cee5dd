import { doCapability } from "@flows/cap-do";
import { cloudflareDoProvider } from "@flows/cap-do/workers";
import { r2Capability } from "@flows/cap-r2";
import { cloudflareR2Provider } from "@flows/cap-r2/workers";
import { createCapabilityRegistry } from "@flows/caps";
import { createProjectWorker } from "@flows/host-workers";
import { containers } from "@flows/host-workers/container";
import manifest from "./flows.config.json";
import { type TaskTools, taskRunner } from "./task-runner";

// The task runner as a Worker. The flow runs whole in the container (manifest `container.flows`);
// the Worker serves its API, its run journal and, over the bus, its R2 and Durable Object calls.
// Bind FLOW_RUNS and FLOW_CONTAINER (SQLite Durable Objects), TASK_STATE (FlowStateObject),
// ARTIFACTS (R2), FLOWS_API_TOKEN and FLOWS_RESUME_SECRET.

/** The Worker never clones or builds: those nodes run in the container. */
const elsewhere = (): never => {
  throw Object.assign(new Error("the task runner's nodes run in the container"), { code: "IMPL001" });
};
const inTheWorker: TaskTools = { build: elsewhere, check: elsewhere, writer: "worker" };

export const app = createProjectWorker({
  flows: [taskRunner(inTheWorker)],
  caps: createCapabilityRegistry([r2Capability, doCapability], {
    providers: [cloudflareR2Provider, cloudflareDoProvider],
  }),
  manifest,
  containers,
});

export { ContainerProxy } from "@cloudflare/containers";
export { FlowStateObject } from "@flows/cap-do/durable-object";
export const FlowContainer = app.FlowContainer;
export const FlowRunObject = app.FlowRunObject;
export default { fetch: app.fetch, queue: app.queue, scheduled: app.scheduled };
