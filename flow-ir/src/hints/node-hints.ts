import type { NodeIR } from "../ir/types";

/**
 * Calls `visit` for every hint a node carries, in either list, each once, with a function that
 * builds the path of its first mention (only diagnostics need it, so it is not built eagerly).
 */
export function forEachNodeHint(node: NodeIR, index: number, visit: (hint: string, path: () => string) => void): void {
  const effects = node.effectHints;
  const determinism = node.determinismHints;
  for (let position = 0; position < effects.length; position += 1) {
    const hint = effects[position] as string;
    if (effects.indexOf(hint) !== position) continue;
    visit(hint, () => `/nodes/${index}/effectHints/${position}`);
  }
  for (let position = 0; position < determinism.length; position += 1) {
    const hint = determinism[position] as string;
    if (determinism.indexOf(hint) !== position || effects.includes(hint)) continue;
    visit(hint, () => `/nodes/${index}/determinismHints/${position}`);
  }
}
