// The main job behind `npm start`: check every example flow the way CI would, then draw
// the order-approval flow. Everything runs through the built `flows` CLI.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const flows = (args) => {
  process.stdout.write(`\n$ flows ${args.join(" ")}\n`);
  const result = spawnSync(process.execPath, ["cli/bin/flows.mjs", ...args], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) {
    process.stderr.write(`flows ${args[0]} exited with ${result.status}\n`);
    process.exit(result.status ?? 1);
  }
};

flows(["validate", "examples", "--manifest", "examples/order-approval/flows.config.json"]);
flows(["graph", "examples/order-approval/order-approval.flow.json", "--format", "mermaid"]);
