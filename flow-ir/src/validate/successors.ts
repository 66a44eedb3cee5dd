/**
 * Successors of every vertex in two flat arrays (compressed rows): those of `v` are
 * `targets[offsets[v]]` up to `targets[offsets[v + 1]]`, in edge order.
 */
export interface SuccessorTable {
  readonly offsets: Int32Array;
  readonly targets: Int32Array;
}

export function successorTable(count: number, edgeFrom: Int32Array, edgeTo: Int32Array): SuccessorTable {
  const offsets = new Int32Array(count + 1);
  for (let index = 0; index < edgeFrom.length; index += 1) {
    const from = edgeFrom[index] as number;
    if (from >= 0 && (edgeTo[index] as number) >= 0) offsets[from + 1] = (offsets[from + 1] as number) + 1;
  }
  for (let vertex = 0; vertex < count; vertex += 1) {
    offsets[vertex + 1] = (offsets[vertex + 1] as number) + (offsets[vertex] as number);
  }
  const targets = new Int32Array(offsets[count] as number);
  const fill = offsets.slice(0, count);
  for (let index = 0; index < edgeFrom.length; index += 1) {
    const from = edgeFrom[index] as number;
    const to = edgeTo[index] as number;
    if (from < 0 || to < 0) continue;
    targets[fill[from] as number] = to;
    fill[from] = (fill[from] as number) + 1;
  }
  return { offsets, targets };
}

export function hasSuccessor(offsets: Int32Array, targets: Int32Array, from: number, to: number): boolean {
  for (let at = offsets[from] as number; at < (offsets[from + 1] as number); at += 1) {
    if (targets[at] === to) return true;
  }
  return false;
}
