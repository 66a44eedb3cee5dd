import { createOpendalKvProvider } from "@flows/cap-kv/opendal";
import { createOperator } from "@flows/caps/opendal";
import { systemClock } from "@flows/kernel";
import { createFsDedupe } from "../../cli/src/local/dedupe";
import { createFsJournal } from "../../cli/src/local/journal";
import { loadNodes } from "../../cli/src/local/load-nodes";
import { writeRunMeta } from "../../cli/src/local/run-meta";
import { openLocalStore } from "../../cli/src/local/store";

// A child the crash tests kill: `write <state>` rewrites every kind of local state file in a
// loop until it is killed; `load <state> <module> <times>` loads the cached node bundle.

const [mode, stateDir = "", modulePath = "", times = "1"] = process.argv.slice(2);

async function writeForever(): Promise<void> {
  const operator = openLocalStore(stateDir);
  const dedupe = createFsDedupe(operator, systemClock);
  const journal = createFsJournal(operator);
  const kv = createOpendalKvProvider(createOperator("fs", { root: `${stateDir}/caps/kv` }));
  // Records big enough that a write takes more than one syscall.
  const padding = "x".repeat(64 * 1024);
  for (let i = 0; ; i++) {
    const key = `key-${i % 5}`;
    await dedupe.reserve(key, `run-${i}`, 60_000);
    await dedupe.complete(key, `run-${i}`, { i, padding }, 60_000);
    await writeRunMeta(operator, `run-${i % 3}`, { flowFile: `/flows/${i}-${padding}`, nodesModule: "/nodes.ts" });
    await journal.append(`run-${i % 3}`, [{ type: "skipped", node: `n${i}` }]);
    await kv.put(`visits-${i % 4}`, JSON.stringify({ i, padding }), {});
    if (i === 0) process.stdout.write("ready\n");
  }
}

async function loadRepeatedly(): Promise<void> {
  for (let i = 0; i < Number(times); i++) {
    const registry = await loadNodes(modulePath, { stateDir });
    if (typeof registry.hello !== "function") throw new Error("the loaded registry has no hello node");
  }
  process.stdout.write("loaded\n");
}

if (mode === "write") await writeForever();
else if (mode === "load") {
  try {
    await loadRepeatedly();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    process.stdout.write(
      `${JSON.stringify({ code, message: error instanceof Error ? error.message : String(error) })}\n`,
    );
    process.exitCode = 1;
  }
}
