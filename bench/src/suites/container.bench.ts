import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatMs, formatRatio } from "../format";
import { median } from "../harness";
import type { Suite, SuiteContext } from "../suite";
import { formatTable } from "../table";

const ROUNDS = 11;

/** A bare node:http server: the floor any Node process that answers HTTP pays. */
const BARE_SERVER = `const s = require("node:http").createServer((q, r) => r.end('{"ok":true}'));
s.listen(0, "127.0.0.1", () => process.stderr.write(JSON.stringify({ "port": s.address().port }) + "\\n"));`;

/** The app the container loads: one small flow, as a user's prebuilt .mjs would be. */
function appSource(): string {
  const node = (alias: string, kind: string) => ({
    id: `ping::${alias}`,
    alias,
    identifier: `ping::${alias}`,
    name: alias,
    kind,
    in_schema: { kind: "opaque" },
    out_schema: { kind: "opaque" },
    effects: "pure",
    determinism: "strict",
    idempotency: {},
    effectHints: [],
    determinismHints: [],
  });
  const flow = {
    id: "ping",
    name: "ping",
    version: "1.0.0",
    profile: "dev",
    nodes: [node("start", "trigger"), node("echo", "inline")],
    edges: [{ from: "start", to: "echo", delivery: "at_least_once", ordering: "ordered", buffer: {} }],
    control_surfaces: [],
    checkpoints: [],
  };
  return `export default { flows: [${JSON.stringify(flow)}], nodes: { "ping::start": (i) => i, "ping::echo": (i) => i } };\n`;
}

/** Milliseconds from spawn to the first 200 from `/ping` (the port is read from the child's log). */
async function startToReady(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { env, stdio: ["ignore", "ignore", "pipe"] });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  try {
    const port = await new Promise<number>((ready, fail) => {
      let text = "";
      child.stderr.on("data", (chunk: Buffer) => {
        text += chunk.toString();
        const match = /"port":(\d+)/.exec(text);
        if (match) ready(Number(match[1]));
      });
      void exited.then(() => fail(new Error(`the process exited before it was ready: ${text}`)));
    });
    for (;;) {
      const response = await fetch(`http://127.0.0.1:${port}/ping`).catch(() => undefined);
      if (response?.status === 200) {
        await response.text();
        return performance.now() - started;
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  } finally {
    child.kill("SIGKILL");
    await exited;
  }
}

/** The container process's start-up (spawn → /ping 200) against a bare Node HTTP server, same rounds. */
export const containerSuite: Suite = {
  name: "container",
  summary: "flows-container start to ready (spawn → /ping 200) vs a bare node:http server",
  async run(context: SuiteContext) {
    const build = spawnSync(process.execPath, [join(context.repoRoot, "host-container/build.mjs")], {
      encoding: "utf8",
    });
    if (build.status !== 0) throw new Error(`host-container build failed: ${build.stderr}`);
    const scratch = mkdtempSync(join(tmpdir(), "flows-bench-container-"));
    try {
      const app = join(scratch, "app.mjs");
      writeFileSync(app, appSource());
      const bin = join(context.repoRoot, "host-container/bin/flows-container.mjs");
      const env = { ...process.env, PORT: "0", FLOWS_LISTEN_HOST: "127.0.0.1" };
      const candidates = [
        { name: "bare node:http server (node -e)", args: ["-e", BARE_SERVER] },
        { name: "flows-container, .mjs app", args: [bin, app] },
      ];
      const samples = candidates.map(() => [] as number[]);
      const ratios: number[] = [];
      // One untimed start each (disk cache), then interleaved rounds so load hits both alike.
      for (const candidate of candidates) await startToReady(candidate.args, env);
      for (let round = 0; round < ROUNDS; round += 1) {
        const order = round % 2 === 0 ? [0, 1] : [1, 0];
        const times: number[] = [];
        for (const index of order) {
          const candidate = candidates[index];
          if (candidate === undefined) continue;
          times[index] = await startToReady(candidate.args, env);
          samples[index]?.push(times[index]);
        }
        ratios.push((times[1] ?? 0) / (times[0] ?? 1));
      }
      const baseline = median(samples[0] ?? []);
      const rows = candidates.map((candidate, index) => {
        const ms = median(samples[index] ?? []);
        return [candidate.name, formatMs(ms), index === 0 ? "1.00×" : formatRatio(median(ratios))];
      });
      context.log(
        formatTable(
          [{ header: "process", align: "left" }, { header: "start → /ping 200 ms" }, { header: "× bare" }],
          rows,
        )
          .split("\n")
          .map((line) => `  ${line}`)
          .join("\n"),
      );
      const extra = median(samples[1] ?? []) - baseline;
      context.log(
        `  cost of the runtime over a bare server: ${formatMs(extra)} ms (median of ${ROUNDS} interleaved rounds; ratio is the median of per-round ratios)`,
      );
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  },
};
