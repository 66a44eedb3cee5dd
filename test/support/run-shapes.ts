/** The keys of the run shapes on the wire (issue 14's contract), for outputs that must match them. */
export const RUN_DETAIL_KEYS = [
  "checkpoint",
  "error",
  "events",
  "finished_at",
  "flow",
  "flow_version",
  "graph",
  "input",
  "nodes",
  "output",
  "resume",
  "run_id",
  "started_at",
  "status",
  "trigger",
  "updated_at",
  "wake_at",
];

export const RUN_SUMMARY_KEYS = [
  "checkpoint",
  "error_code",
  "finished_at",
  "flow",
  "run_id",
  "started_at",
  "status",
  "trigger",
  "updated_at",
  "wake_at",
];
