import { taskRunner } from "./task-runner";
import { nodeTools } from "./tools";

// The container image's app: `flows-container container.mjs` (publish bundles it). Its capability
// calls (r2, do) travel over the host command bus to the Worker's own bindings.
export default { flows: [taskRunner(nodeTools)] };
