/** The kernel suite's candidates, each run by a process of its own. */
export const CANDIDATES = ["floor", "ours", "langgraph"] as const;
export type CandidateName = (typeof CANDIDATES)[number];

/**
 * What the suite asks a candidate's process over IPC, one request at a time: `time` runs a
 * shape `runs` times in a row and answers µs per node; `heap` parks `count` runs of a 10-node
 * chain and answers the heap they hold, per run.
 */
export type Request =
  | { readonly type: "time"; readonly shape: string; readonly runs: number }
  | { readonly type: "heap"; readonly count: number };

export type Reply =
  | { readonly type: "time"; readonly usPerNode: number }
  | { readonly type: "heap"; readonly bytesPerRun: number }
  | { readonly type: "error"; readonly message: string };

/** The first message a candidate's process sends, once it can answer requests. */
export const READY = "ready";
