// Compiled only by tsconfig.workers.json, against @cloudflare/workers-types: fails the
// typecheck if the real namespace of FlowStateObject stops satisfying the structural
// interface the provider uses.
import type { FlowStateNamespaceLike } from "./binding";
import type { FlowStateObject } from "./object";

export const flowStateNamespaceFits = (namespace: DurableObjectNamespace<FlowStateObject>): FlowStateNamespaceLike =>
  namespace;
