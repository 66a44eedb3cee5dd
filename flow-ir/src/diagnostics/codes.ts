/**
 * Stable diagnostic codes. Where the Lattice registry defines a meaning we keep its code,
 * so tooling that knows Lattice codes reads ours unchanged.
 */
export const DIAGNOSTIC_CODES = {
  FLOW001: "input is not valid JSON",
  FLOW002: "document does not match the Flow IR 0.1 schema",
  DAG200: "the graph has a cycle",
  DAG201: "port type mismatch between connected nodes",
  DAG202: "edge references an unknown node alias",
  DAG205: "duplicate node alias",
  DAG104: "more than one trigger node",
  DAG004: "effectful node without an idempotency key",
  DAG203: "capability needs a binding or secret the manifest does not list",
  EFFECT201: "declared effects are below what an effect hint requires",
  DET302: "declared determinism is stronger than a determinism hint allows",
  DET303:
    "declared determinism is stronger than an effect hint's rule allows (warning: Lattice reads determinism from determinismHints only)",
  EFFECT202:
    "declared effects are below what a determinism hint's rule requires (warning: Lattice reads effects from effectHints only)",
  EXACT001: "exactly-once edge target has no dedupe capability",
  EXACT002: "exactly-once edge target has no idempotency key",
  EXACT003: "exactly-once edge target has no dedupe TTL of at least 300000 ms",
  CTRL101: "edge timeout_ms must be positive",
  CTRL102: "edge buffer.max_items must be positive",
  CTRL110: "switch surface configuration is invalid",
  CTRL111: "switch surface routes along an edge that does not exist",
  CTRL112: "two switch surfaces share one source node",
  CTRL120: "if surface configuration is invalid",
  CTRL121: "if surface routes along an edge that does not exist",
  CTRL122: "two if surfaces share one source node",
  CTRL130: "control surface configuration is invalid",
  CTRL131: "control surface names an unknown node alias",
  CTRL132: "control surface relies on an edge that does not exist",
  CTRL133: "control surface config has a value this kernel cannot run (warning: a key Lattice does not check)",
  CTRL134: "control surface config uses this project's earlier keys (warning: names Lattice's key)",
  CTRL135: "control surface targets names neither a node nor an edge (warning: Lattice does not check targets)",
  SPILL001: "spill tier without buffer.max_items",
  SPILL002: "spill tier without a blob capability",
  CAP101: "a required capability has no provider bound",
  CTRL901: "control surface not implemented by this host",
  TIME015: "time budget exceeded",
  MANIFEST001: "flows.config.json is not valid JSON",
  MANIFEST002: "flows.config.json does not match its schema",
  MANIFEST003: "flows.config.json refers to something the project does not have",
  MANIFEST004: "flows.config.json has a key its schema does not know (kept, but ignored)",
} as const;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;
