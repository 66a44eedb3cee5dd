import type { Check } from "../context";

/** DAG004: an effectful node must say how its effect is deduplicated. */
export const checkIdempotency: Check = ({ flow, report }) => {
  flow.nodes.forEach((node, index) => {
    if (node.effects !== "effectful") return;
    const key = node.idempotency.key;
    if (typeof key === "string" && key.length > 0) return;
    report({
      code: "DAG004",
      severity: "error",
      message: `node "${node.alias}" is effectful but has no idempotency.key: add one (e.g. "order_id") so retries and replays do not repeat its effect`,
      path: `/nodes/${index}/effects`,
      node: node.alias,
    });
  });
};
