import { spawn } from "node:child_process";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { constants, hostname, tmpdir } from "node:os";
import { join } from "node:path";
import type { TaskTools } from "./task-runner";

// The container side's disk and process work, for Node (the `flows-container` image has git).
// Every call starts from a fresh scratch folder of its own: nothing here expects what an earlier
// node, or an earlier process, left on the disk.

/** Where scratch folders go: TASK_ROOT, or the system's temporary folder. */
const root = () => process.env.TASK_ROOT ?? join(tmpdir(), "flows-tasks");

interface Ran {
  readonly code: number;
  readonly output: Buffer;
}

/** Runs argv in `cwd`, stdout and stderr together (what a log shows); never throws on a non-zero exit. */
function run(argv: readonly string[], cwd: string, signal: AbortSignal): Promise<Ran> {
  const [command = "", ...args] = argv;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, signal, stdio: ["ignore", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.on("error", reject);
    // Killed by a signal: the shell's convention, 128 + its number.
    child.on("close", (code, killedBy) =>
      resolve({
        code: code ?? 128 + (killedBy === null ? 0 : constants.signals[killedBy]),
        output: Buffer.concat(chunks),
      }),
    );
  });
}

async function mustRun(argv: readonly string[], cwd: string, signal: AbortSignal): Promise<Buffer> {
  const ran = await run(argv, cwd, signal);
  if (ran.code !== 0) {
    throw Object.assign(new Error(`${argv.join(" ")} exited with ${ran.code}: ${ran.output.toString().trim()}`), {
      code: "TASK502",
      retryable: true,
    });
  }
  return ran.output;
}

/** A fresh, empty scratch folder for one node of one run (whatever an earlier attempt left is removed). */
async function scratch(runId: string, node: string): Promise<string> {
  const folder = join(root(), runId, node);
  await rm(folder, { recursive: true, force: true });
  await mkdir(folder, { recursive: true });
  return folder;
}

export const nodeTools: TaskTools = {
  writer: `${hostname()}:${process.pid}`,
  async build(task, runId, signal) {
    const folder = await scratch(runId, "build");
    const worktree = join(folder, "worktree");
    const clone = ["git", "clone", "--quiet", ...(task.ref === undefined ? [] : ["--branch", task.ref])];
    await mustRun([...clone, task.repository, worktree], folder, signal);
    const commit = (await mustRun(["git", "rev-parse", "HEAD"], worktree, signal)).toString().trim();
    const built = await run(task.build, worktree, signal);
    // The worktree as the build left it, .git included: the check runs on exactly this.
    const archive = await mustRun(["tar", "-czf", "-", "-C", worktree, "."], folder, signal);
    return {
      commit,
      exitCode: built.code,
      log: built.output,
      archive,
      done: () => rm(folder, { recursive: true, force: true }),
    };
  },

  async check(archive, argv, runId, signal) {
    const folder = await scratch(runId, "check");
    const worktree = join(folder, "worktree");
    await mkdir(worktree);
    await writeFile(join(folder, "worktree.tar.gz"), archive);
    await mustRun(["tar", "-xzf", join(folder, "worktree.tar.gz"), "-C", worktree], folder, signal);
    const checked = await run(argv, worktree, signal);
    return { exitCode: checked.code, log: checked.output, done: () => rm(folder, { recursive: true, force: true }) };
  },
};
