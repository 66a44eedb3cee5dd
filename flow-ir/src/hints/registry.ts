import type { HintConstraint } from "./constraint";

/** An explicit, immutable set of hint constraints. Extending it returns a new registry. */
export interface HintRegistry {
  /** Every constraint that applies to `hint`: its own and those of each ancestor id. */
  constraintsFor(hint: string): readonly HintConstraint[];
  /** True when some registered constraint applies to `hint`. */
  knows(hint: string): boolean;
  with(constraints: readonly HintConstraint[]): HintRegistry;
  readonly constraints: readonly HintConstraint[];
}

const SEPARATOR = "::";

export function normalizeHintId(hint: string): string {
  return hint.endsWith(`${SEPARATOR}*`) ? hint.slice(0, -(SEPARATOR.length + 1)) : hint;
}

/** `a::b::c` → `a::b::c`, `a::b`, `a`. */
function* ancestors(hint: string): Generator<string> {
  let id = normalizeHintId(hint);
  for (;;) {
    yield id;
    const cut = id.lastIndexOf(SEPARATOR);
    if (cut <= 0) return;
    id = id.slice(0, cut);
  }
}

export function createHintRegistry(constraints: readonly HintConstraint[] = []): HintRegistry {
  const byId = new Map<string, HintConstraint[]>();
  for (const constraint of constraints) {
    const id = normalizeHintId(constraint.hint);
    const list = byId.get(id);
    if (list) list.push(constraint);
    else byId.set(id, [constraint]);
  }
  const cache = new Map<string, readonly HintConstraint[]>();
  const constraintsFor = (hint: string): readonly HintConstraint[] => {
    const cached = cache.get(hint);
    if (cached) return cached;
    const found: HintConstraint[] = [];
    for (const id of ancestors(hint)) {
      const list = byId.get(id);
      if (list) found.push(...list);
    }
    cache.set(hint, found);
    return found;
  };
  return Object.freeze({
    constraints: Object.freeze([...constraints]),
    constraintsFor,
    knows: (hint: string) => constraintsFor(hint).length > 0,
    with: (more: readonly HintConstraint[]) => createHintRegistry([...constraints, ...more]),
  });
}
