import { doCapability } from "@flows/cap-do";
import { r2Capability } from "@flows/cap-r2";
import { defineFlow, use } from "@flows/define";
import { putOnce } from "./put-once";
import { Built, TaskRequest, TaskResult } from "./schemas";

export type { Built, TaskRequest, TaskResult } from "./schemas";

/** What a command left: its exit code and output; `done` removes its scratch folder. */
export interface Ran {
  readonly exitCode: number;
  readonly log: Uint8Array;
  done(): Promise<void>;
}

/**
 * The disk and process work, which only the container does (`tools.ts`). Each call works in a
 * fresh scratch folder of its own and hands back bytes: nothing is left for a later node to find
 * on a disk that a restart may have wiped.
 */
export interface TaskTools {
  /** Clones the repository at its ref, runs the build command, archives the worktree. */
  build(
    task: TaskRequest,
    runId: string,
    signal: AbortSignal,
  ): Promise<Ran & { readonly commit: string; readonly archive: Uint8Array }>;
  /** Unpacks a worktree archive and runs the check command in it. */
  check(archive: Uint8Array, argv: readonly string[], runId: string, signal: AbortSignal): Promise<Ran>;
  /** Who uploads (host and process), kept on each object: which attempt wrote it. */
  readonly writer: string;
}

const TTL_MS = 7 * 24 * 3_600_000;
const LOG = "text/plain; charset=utf-8";

/** Where a run's node keeps its files in R2: by run id and node, so a repeated node finds its own. */
export const artifactKey = (runId: string, node: string, file: string) => `runs/${runId}/${node}/${file}`;

class TaskError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable = false,
  ) {
    super(message);
  }
}

/**
 * Clone, build, check, record: a container flow whose state lives outside the container. Files
 * go to R2 under keys of the run and node, results to Durable Object state, and nodes pass R2
 * keys, never local paths. Each effectful node checks its Durable Object record first (it may
 * have finished in a process that died before its output was journaled) and uploads with
 * `putOnce`, so a kill -9 and a wiped disk at any point end with the same result, uploaded once.
 */
export function taskRunner(tools: TaskTools) {
  return defineFlow(
    {
      id: "tasks.run",
      name: "task_runner",
      summary:
        "Clone a repository, run a build and a check on its worktree, keep the results in R2 and Durable Objects.",
      policies: { lint: { require_control_hints: false } },
      tags: ["example", "containers"],
    },
    (f) => {
      const task = f.trigger("task", {
        name: "TaskReceived",
        summary: "The task: repository, ref, build and check commands",
        output: TaskRequest,
        effects: "read_only",
        run: (payload) => {
          const task = payload as Partial<TaskRequest> | null;
          if (task === null || typeof task !== "object" || typeof task.task_id !== "string") {
            throw new TaskError("TASK400", "the payload must be a task with a task_id");
          }
          return task as TaskRequest;
        },
      });

      const build = f.node("build", {
        name: "CloneAndBuild",
        summary: "Clone at the ref, run the build, upload the worktree archive and the log to R2",
        after: task,
        input: TaskRequest,
        output: Built,
        uses: [use(r2Capability, "read", "write"), use(doCapability, "read", "write")],
        idempotency: { key: "task_id", scope: "node", ttlMs: TTL_MS },
        run: async (t, ctx) => {
          const runId = ctx.run.run_id;
          const record = `runs/${runId}/build`;
          const done = await ctx.caps.do.get<Built>(record);
          if (done !== undefined) return done;
          const built = await tools.build(t, runId, ctx.signal);
          const meta = { run_id: runId, node: "build", written_by: tools.writer };
          const log = await putOnce(ctx.caps.r2, artifactKey(runId, "build", "log.txt"), built.log, {
            contentType: LOG,
            customMetadata: meta,
          });
          const archive = await putOnce(ctx.caps.r2, artifactKey(runId, "build", "worktree.tar.gz"), built.archive, {
            contentType: "application/gzip",
            customMetadata: meta,
          });
          await built.done();
          const result: Built = {
            task_id: t.task_id,
            check: t.check,
            commit: built.commit,
            build: { exit_code: built.exitCode, log_key: log.key, log_bytes: log.size },
            archive_key: archive.key,
          };
          await ctx.caps.do.put(record, result);
          return result;
        },
      });

      const check = f.node("check", {
        name: "CheckWorktree",
        summary: "Fetch the worktree archive from R2 by its key, run the check in it, upload the log",
        after: build,
        input: Built,
        output: TaskResult,
        uses: [use(r2Capability, "read", "write"), use(doCapability, "read", "write")],
        idempotency: { key: "task_id", scope: "node", ttlMs: TTL_MS },
        run: async (b, ctx) => {
          const runId = ctx.run.run_id;
          const record = `runs/${runId}/check`;
          const done = await ctx.caps.do.get<TaskResult>(record);
          if (done !== undefined) return done;
          // The key, not a path: the build's folder may be gone with the process that made it.
          const archive = await ctx.caps.r2.get(b.archive_key);
          if (archive === null) throw new TaskError("TASK404", `the worktree archive ${b.archive_key} is not in R2`);
          const checked = await tools.check(await archive.bytes(), b.check, runId, ctx.signal);
          const log = await putOnce(ctx.caps.r2, artifactKey(runId, "check", "log.txt"), checked.log, {
            contentType: LOG,
            customMetadata: { run_id: runId, node: "check", written_by: tools.writer },
          });
          await checked.done();
          const result: TaskResult = {
            task_id: b.task_id,
            run_id: runId,
            commit: b.commit,
            build: b.build,
            check: { exit_code: checked.exitCode, log_key: log.key, log_bytes: log.size },
            archive_key: b.archive_key,
            ok: b.build.exit_code === 0 && checked.exitCode === 0,
          };
          await ctx.caps.do.put(record, result);
          return result;
        },
      });

      f.node("record", {
        name: "RecordResult",
        summary: "Keep the result in Durable Object state: the run's, first writer wins, and the task's latest",
        after: check,
        input: TaskResult,
        output: TaskResult,
        uses: [use(doCapability, "read", "write")],
        idempotency: { key: "task_id", scope: "node", ttlMs: TTL_MS },
        run: async (result, ctx) => {
          const key = `tasks/${result.task_id}/runs/${result.run_id}`;
          if (!(await ctx.caps.do.compareAndSet(key, undefined, result))) {
            const kept = await ctx.caps.do.get<TaskResult>(key);
            if (kept !== undefined) return kept;
          }
          await ctx.caps.do.put(`tasks/${result.task_id}/latest`, result.run_id);
          return result;
        },
      });
    },
  );
}
