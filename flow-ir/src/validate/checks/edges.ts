import { edgeLabel } from "../../diagnostics/diagnostic";
import type { Check } from "../context";

/** CTRL101/102: budgets must be positive. SPILL001/002: spilling needs a bound and a blob store. */
export const checkEdgeBudgets: Check = ({ flow, report }) => {
  // As Lattice's check_spill_requirements: an effect hint under resource::blob:: somewhere in
  // the flow (a determinism hint or the bare namespace does not bind a blob store).
  const isBlob = (hint: string) => hint.startsWith("resource::blob::");
  let blobHint: boolean | undefined;
  const hasBlobHint = () => {
    blobHint ??= flow.nodes.some((node) => node.effectHints.some(isBlob));
    return blobHint;
  };
  flow.edges.forEach((edge, index) => {
    // Built only for a diagnostic: most edges have none.
    const label = () => edgeLabel(edge.from, edge.to);
    if (edge.timeout_ms === 0) {
      report({
        code: "CTRL101",
        severity: "error",
        message: `edge ${label()} sets timeout_ms to 0: use a positive budget in milliseconds, or remove it`,
        path: `/edges/${index}/timeout_ms`,
        edge: label(),
      });
    }
    const { max_items: maxItems, spill_tier: spillTier } = edge.buffer;
    if (maxItems === 0) {
      report({
        code: "CTRL102",
        severity: "error",
        message: `edge ${label()} sets buffer.max_items to 0: use a positive bound, or remove it`,
        path: `/edges/${index}/buffer/max_items`,
        edge: label(),
      });
    }
    if (typeof spillTier !== "string") return;
    if (typeof maxItems !== "number") {
      report({
        code: "SPILL001",
        severity: "error",
        message: `edge ${label()} spills to "${spillTier}" without buffer.max_items: set the in-memory bound at which spilling starts`,
        path: `/edges/${index}/buffer/spill_tier`,
        edge: label(),
      });
    }
    if (!hasBlobHint()) {
      report({
        code: "SPILL002",
        severity: "error",
        message: `edge ${label()} spills to "${spillTier}" but no node declares a blob capability: add a "resource::blob::write" hint (e.g. via caps/r2) or remove spill_tier`,
        path: `/edges/${index}/buffer/spill_tier`,
        edge: label(),
      });
    }
  });
};
