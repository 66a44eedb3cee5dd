import type { Check } from "../context";

/**
 * DAG004: an effectful node must say how its effect is deduplicated (a key present, as Lattice's
 * check_effectful_idempotency asks). IDEM010, a warning: a key that is present but empty
 * identifies nothing, though Lattice accepts it.
 */
export const checkIdempotency: Check = ({ flow, report }) => {
  flow.nodes.forEach((node, index) => {
    const key = node.idempotency.key;
    if (key === "") {
      report({
        code: "IDEM010",
        severity: "warning",
        message: `node "${node.alias}" has an empty idempotency.key, which tells retries and replays nothing apart: name the field that identifies one effect (e.g. "order_id")`,
        path: `/nodes/${index}/idempotency/key`,
        node: node.alias,
      });
    }
    if (node.effects !== "effectful" || typeof key === "string") return;
    report({
      code: "DAG004",
      severity: "error",
      message: `node "${node.alias}" is effectful but has no idempotency.key: add one (e.g. "order_id") so retries and replays do not repeat its effect`,
      path: `/nodes/${index}/effects`,
      node: node.alias,
    });
  });
};
