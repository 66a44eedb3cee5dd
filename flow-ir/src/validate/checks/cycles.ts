import type { Check } from "../context";
import { hasSuccessor } from "../successors";

/**
 * DAG200: one diagnostic per strongly connected component that forms a cycle, naming the
 * nodes on a shortest cycle through it. Iterative Tarjan, so 100k-node chains cannot
 * overflow the stack.
 */
export const checkCycles: Check = ({ flow, successors, report }) => {
  // Vertices are positions in flow.nodes; duplicates of an alias never receive edges.
  const aliases = flow.nodes.map((node) => node.alias);
  const count = aliases.length;
  const { offsets, targets } = successors();

  const order = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const onStack = new Uint8Array(count);
  const component = new Int32Array(count).fill(-1);
  const stack: number[] = [];
  // Only components that form a cycle are kept: in a valid flow every component is a single
  // node, and an array per node was most of this check's cost at 100k nodes.
  const cyclic: { members: number[]; id: number }[] = [];
  let components = 0;
  const workNode = new Int32Array(count);
  const workNext = new Int32Array(count);
  let counter = 0;

  for (let root = 0; root < count; root += 1) {
    if (order[root] !== -1) continue;
    // The explicit call stack: node and position in `targets`, as two parallel arrays.
    let depth = 0;
    workNode[0] = root;
    workNext[0] = offsets[root] as number;
    order[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (depth >= 0) {
      const node = workNode[depth] as number;
      const next = workNext[depth] as number;
      if (next < (offsets[node + 1] as number)) {
        workNext[depth] = next + 1;
        const to = targets[next] as number;
        if (order[to] === -1) {
          order[to] = low[to] = counter++;
          stack.push(to);
          onStack[to] = 1;
          depth += 1;
          workNode[depth] = to;
          workNext[depth] = offsets[to] as number;
        } else if (onStack[to]) {
          low[node] = Math.min(low[node] as number, order[to] as number);
        }
        continue;
      }
      depth -= 1;
      if (depth >= 0) {
        const parent = workNode[depth] as number;
        low[parent] = Math.min(low[parent] as number, low[node] as number);
      }
      if (low[node] === order[node]) {
        const id = components++;
        let member = stack.pop() as number;
        onStack[member] = 0;
        component[member] = id;
        if (member === node) {
          if (hasSuccessor(offsets, targets, node, node)) cyclic.push({ members: [node], id });
          continue;
        }
        const members = [member];
        do {
          member = stack.pop() as number;
          onStack[member] = 0;
          component[member] = id;
          members.push(member);
        } while (member !== node);
        cyclic.push({ members, id });
      }
    }
  }

  for (const { members, id } of cyclic) {
    const start = members[members.length - 1] as number;
    const cycle = shortestCycle(start, offsets, targets, component, id);
    const names = cycle.map((node) => aliases[node] as string);
    const from = names[0];
    const to = names[1 % names.length];
    const edgeIndex = Math.max(
      0,
      flow.edges.findIndex((edge) => edge.from === from && edge.to === to),
    );
    report({
      code: "DAG200",
      severity: "error",
      message: `cycle ${[...names, names[0]].join(" -> ")}: a flow must be acyclic; remove one of these edges or use a loop surface`,
      path: `/edges/${edgeIndex}`,
      node: names[0] as string,
    });
  }
};

/** Breadth-first from `start` inside its component until an edge leads back to it. */
function shortestCycle(
  start: number,
  offsets: Int32Array,
  targets: Int32Array,
  component: Int32Array,
  target: number,
): number[] {
  const parent = new Map<number, number>([[start, -1]]);
  const queue = [start];
  for (let head = 0; head < queue.length; head += 1) {
    const node = queue[head] as number;
    for (let at = offsets[node] as number; at < (offsets[node + 1] as number); at += 1) {
      const next = targets[at] as number;
      if (component[next] !== target) continue;
      if (next === start) {
        const path: number[] = [];
        for (let at = node; at !== -1; at = parent.get(at) ?? -1) path.push(at);
        return path.reverse();
      }
      if (!parent.has(next)) {
        parent.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start];
}
