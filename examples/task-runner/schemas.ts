import * as v from "valibot";

// The task-runner flow's port types. Every value between nodes is small JSON: a repository URL,
// a commit, exit codes and R2 keys. Files live in R2, never in a node's output.

/** What to run: a repository at a ref, a build command, and a check run on the build's worktree. */
export const TaskRequest = v.pipe(
  v.object({
    task_id: v.pipe(v.string(), v.regex(/^[A-Za-z0-9._-]{1,64}$/)),
    repository: v.pipe(v.string(), v.minLength(1)),
    ref: v.optional(v.string()),
    /** argv, run in the worktree: no shell unless you name one. */
    build: v.pipe(v.array(v.string()), v.minLength(1)),
    check: v.pipe(v.array(v.string()), v.minLength(1)),
  }),
  v.title("TaskRequest"),
);

/** One command's result: its exit code, where its log is in R2 and how long it is. */
const Step = v.object({ exit_code: v.number(), log_key: v.string(), log_bytes: v.number() });

/** The build's result: the commit it ran at and the R2 key of the worktree it left. */
export const Built = v.pipe(
  v.object({
    task_id: v.string(),
    check: v.array(v.string()),
    commit: v.string(),
    build: Step,
    archive_key: v.string(),
  }),
  v.title("Built"),
);

/** The whole task: what the record node keeps in Durable Object state. */
export const TaskResult = v.pipe(
  v.object({
    task_id: v.string(),
    run_id: v.string(),
    commit: v.string(),
    build: Step,
    check: Step,
    archive_key: v.string(),
    ok: v.boolean(),
  }),
  v.title("TaskResult"),
);

export type TaskRequest = v.InferOutput<typeof TaskRequest>;
export type Built = v.InferOutput<typeof Built>;
export type TaskResult = v.InferOutput<typeof TaskResult>;
