import { edgeLabel } from "../../diagnostics/diagnostic";
import type { Check } from "../context";

export const MIN_EXACTLY_ONCE_TTL_MS = 300_000;
const DEDUPE_HINT = "resource::dedupe";

/** EXACT001–003: an exactly_once edge needs a deduplicating, keyed, long-lived target. */
export const checkExactlyOnce: Check = ({ flow, edgeTo, report }) => {
  flow.edges.forEach((edge, index) => {
    if (edge.delivery !== "exactly_once") return;
    const target = flow.nodes[edgeTo[index] as number];
    if (!target) return;
    const label = edgeLabel(edge.from, edge.to);
    const base = { severity: "error", path: `/edges/${index}/delivery`, edge: label, node: target.alias } as const;
    // As Lattice's has_dedupe_binding: an effect hint starting with resource::dedupe.
    if (!target.effectHints.some((hint) => hint.startsWith(DEDUPE_HINT))) {
      report({
        ...base,
        code: "EXACT001",
        message: `edge ${label} is exactly_once but node "${target.alias}" has no "${DEDUPE_HINT}::*" hint: bind a dedupe capability (e.g. add "resource::dedupe::write" to its effectHints) or relax delivery to at_least_once`,
      });
    }
    // Lattice asks only that a key is present; an empty one is IDEM010 (a warning) below.
    if (typeof target.idempotency.key !== "string") {
      report({
        ...base,
        code: "EXACT002",
        message: `edge ${label} is exactly_once but node "${target.alias}" has no idempotency.key: add the key that identifies one effect`,
      });
    }
    const ttl = target.idempotency.ttlMs;
    if (typeof ttl !== "number" || ttl < MIN_EXACTLY_ONCE_TTL_MS) {
      report({
        ...base,
        code: "EXACT003",
        message:
          typeof ttl === "number"
            ? `edge ${label} is exactly_once but node "${target.alias}" keeps dedupe keys for ${ttl} ms: set idempotency.ttlMs to at least ${MIN_EXACTLY_ONCE_TTL_MS}`
            : `edge ${label} is exactly_once but node "${target.alias}" declares no idempotency.ttlMs: set it to at least ${MIN_EXACTLY_ONCE_TTL_MS}`,
      });
    }
  });
};
