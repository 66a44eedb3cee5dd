import type { Check } from "../context";

/**
 * DAG200: one diagnostic per strongly connected component that forms a cycle, naming the
 * nodes on a shortest cycle through it. Iterative Tarjan, so 100k-node chains cannot
 * overflow the stack.
 */
export const checkCycles: Check = ({ flow, nodes, report }) => {
  const aliases = [...nodes.keys()];
  const id = new Map(aliases.map((alias, index) => [alias, index]));
  const successors: number[][] = aliases.map(() => []);
  const firstEdge = new Map<string, number>();
  flow.edges.forEach((edge, index) => {
    const from = id.get(edge.from);
    const to = id.get(edge.to);
    if (from === undefined || to === undefined) return;
    successors[from]?.push(to);
    const key = `${from}:${to}`;
    if (!firstEdge.has(key)) firstEdge.set(key, index);
  });

  const count = aliases.length;
  const order = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const onStack = new Uint8Array(count);
  const component = new Int32Array(count).fill(-1);
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;

  for (let root = 0; root < count; root += 1) {
    if (order[root] !== -1) continue;
    const work: { node: number; next: number }[] = [{ node: root, next: 0 }];
    order[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (work.length > 0) {
      const frame = work[work.length - 1] as { node: number; next: number };
      const edges = successors[frame.node] ?? [];
      if (frame.next < edges.length) {
        const to = edges[frame.next++] as number;
        if (order[to] === -1) {
          order[to] = low[to] = counter++;
          stack.push(to);
          onStack[to] = 1;
          work.push({ node: to, next: 0 });
        } else if (onStack[to]) {
          low[frame.node] = Math.min(low[frame.node] as number, order[to] as number);
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low[parent.node] = Math.min(low[parent.node] as number, low[frame.node] as number);
      if (low[frame.node] === order[frame.node]) {
        const members: number[] = [];
        let member: number;
        do {
          member = stack.pop() as number;
          onStack[member] = 0;
          component[member] = components.length;
          members.push(member);
        } while (member !== frame.node);
        components.push(members);
      }
    }
  }

  components.forEach((members, componentIndex) => {
    const start = members[members.length - 1] as number;
    const selfLoop = (successors[start] ?? []).includes(start);
    if (members.length === 1 && !selfLoop) return;
    const cycle = shortestCycle(start, successors, component, componentIndex);
    const names = cycle.map((node) => aliases[node] as string);
    const edgeIndex = firstEdge.get(`${cycle[0]}:${cycle[1 % cycle.length]}`) ?? 0;
    report({
      code: "DAG200",
      severity: "error",
      message: `cycle ${[...names, names[0]].join(" -> ")}: a flow must be acyclic; remove one of these edges or use a loop surface`,
      path: `/edges/${edgeIndex}`,
      node: names[0] as string,
    });
  });
};

/** Breadth-first from `start` inside its component until an edge leads back to it. */
function shortestCycle(start: number, successors: number[][], component: Int32Array, target: number): number[] {
  const parent = new Map<number, number>([[start, -1]]);
  const queue = [start];
  for (let head = 0; head < queue.length; head += 1) {
    const node = queue[head] as number;
    for (const next of successors[node] ?? []) {
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
