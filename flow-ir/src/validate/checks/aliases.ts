import type { Check } from "../context";

/** DAG205 duplicate aliases, DAG104 more than one trigger. */
export const checkAliases: Check = ({ flow, nodes, report }) => {
  flow.nodes.forEach((node, index) => {
    // `nodes` holds the first node of each alias; any other position is a duplicate.
    if (nodes.get(node.alias) !== index) {
      report({
        code: "DAG205",
        severity: "error",
        message: `node alias "${node.alias}" is used more than once: give each node its own alias`,
        path: `/nodes/${index}/alias`,
        node: node.alias,
      });
    }
  });

  if (flow.policies.lint?.allow_multiple_triggers === true) return;
  const triggers: { node: (typeof flow.nodes)[number]; index: number }[] = [];
  flow.nodes.forEach((node, index) => {
    if (node.kind === "trigger") triggers.push({ node, index });
  });
  const first = triggers[0];
  for (const { node, index } of triggers.slice(1)) {
    report({
      code: "DAG104",
      severity: "error",
      message: `node "${node.alias}" is a second trigger (the first is "${first?.node.alias}"): keep one trigger, or set policies.lint.allow_multiple_triggers to true`,
      path: `/nodes/${index}/kind`,
      node: node.alias,
    });
  }
};
