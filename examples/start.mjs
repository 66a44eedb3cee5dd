// The main job behind `npm start`: check the example flows the way CI would (the TypeScript
// definition, and that the committed Flow IR is what it emits), draw the order-approval flow,
// then run it for real from its TypeScript module on embedded storage (.flows/start): a small order
// that goes straight through (its payment call fails once and is retried), and a large one
// that halts for a manager's approval and is resumed in a separate process.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const state = ".flows/start";
const example = "examples/order-approval";

function flows(args, { quiet = false } = {}) {
  process.stdout.write(`\n$ flows ${args.join(" ")}\n`);
  const result = spawnSync(process.execPath, ["cli/bin/flows.mjs", ...args], {
    cwd: root,
    stdio: quiet ? ["ignore", "pipe", "inherit"] : "inherit",
    encoding: "utf8",
    // Progress lines are for terminals; show them here too so the job explains itself.
    env: { ...process.env, FLOWS_PROGRESS: "1" },
  });
  if (quiet) process.stdout.write(result.stdout);
  if (result.status !== 0) {
    process.stderr.write(`flows ${args[0]} exited with ${result.status}\n`);
    process.exit(result.status ?? 1);
  }
  return result.stdout ?? "";
}

rmSync(`${root}${state}`, { recursive: true, force: true });
flows(["validate", "examples", "--manifest", `${example}/flows.config.json`]);
flows([
  "build",
  `${example}/order-approval.flow.ts`,
  "--check",
  "--schema",
  "../../flow-ir/schema/flow-ir.schema.json",
]);
flows(["graph", `${example}/order-approval.flow.ts`, "--format", "mermaid"]);

const run = (input, runId) =>
  flows(
    [
      "run",
      `${example}/order-approval.flow.ts`,
      "--input",
      `@${example}/${input}`,
      "--run-id",
      runId,
      "--state",
      state,
    ],
    { quiet: true },
  );

run("small-order.json", "order-A-1001");
const halted = JSON.parse(run("large-order.json", "order-B-2002").trim());
flows(
  [
    "resume",
    halted.run_id,
    "--checkpoint",
    halted.checkpoint,
    "--token",
    halted.token,
    "--input",
    JSON.stringify({ approved: true, by: "lin@example.com" }),
    "--state",
    state,
  ],
  { quiet: true },
);
flows(["inspect", "order-B-2002", "--state", state]);
flows(["runs", "--state", state]);
process.stdout.write(`\nEvery effect the example performed, once each (${state}/ledger.ndjson):\n`);
process.stdout.write(spawnSync("cat", [`${state}/ledger.ndjson`], { cwd: root, encoding: "utf8" }).stdout);
