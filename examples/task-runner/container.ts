import { taskRunner } from "./task-runner";
import { nodeTools } from "./tools";

// The app module the container image runs: `flows-container container.ts`. Its capability
// calls (r2, do) travel over the host command bus to the Worker's own bindings.
export default { flows: [taskRunner(nodeTools)] };
