import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { diagnosticsOf, findingsOf } from "../../../../test/flow-ir/support/findings";
import { edge, flow, node, trigger } from "../../../../test/flow-ir/support/flows";

const graph = (aliases: string[], edges: [string, string][]) =>
  flow({
    nodes: aliases.map((alias, index) => (index === 0 ? trigger(alias) : node(alias))),
    edges: edges.map(([from, to]) => edge(from, to)),
  });

describe("cycles (DAG200)", () => {
  it("reports a self-loop at its edge", () => {
    const document = graph(
      ["start", "a"],
      [
        ["start", "a"],
        ["a", "a"],
      ],
    );
    expect(findingsOf(document)).toEqual([{ code: "DAG200", path: "/edges/1", node: "a" }]);
    expect(diagnosticsOf(document, ["DAG200"])[0]?.message).toBe(
      "cycle a -> a: a flow must be acyclic; remove one of these edges or use a loop surface",
    );
  });

  it("names the nodes of a cycle in edge order, pointing at the edge that leaves the first", () => {
    const document = graph(
      ["start", "a", "b", "c"],
      [
        ["start", "a"],
        ["c", "a"],
        ["a", "b"],
        ["b", "c"],
      ],
    );
    expect(findingsOf(document)).toEqual([{ code: "DAG200", path: "/edges/2", node: "a" }]);
    expect(diagnosticsOf(document, ["DAG200"])[0]?.message).toMatch(/^cycle a -> b -> c -> a: /);
  });

  it("reports each separate cycle once", () => {
    const document = graph(
      ["start", "a", "b", "c", "d"],
      [
        ["start", "a"],
        ["a", "b"],
        ["b", "a"],
        ["start", "c"],
        ["c", "d"],
        ["d", "c"],
      ],
    );
    const messages = diagnosticsOf(document, ["DAG200"]).map((d) => d.message.slice(0, d.message.indexOf(":")));
    expect(messages.sort()).toEqual(["cycle a -> b -> a", "cycle c -> d -> c"]);
  });

  it("reports one tangle of cycles once, naming a shortest cycle through it", () => {
    const document = graph(
      ["start", "a", "b", "c", "d"],
      [
        ["start", "a"],
        ["a", "b"],
        ["b", "c"],
        ["c", "d"],
        ["d", "a"],
        ["c", "a"],
      ],
    );
    const cycles = diagnosticsOf(document, ["DAG200"]);
    expect(cycles).toHaveLength(1);
    expect(cycles[0]?.message).toMatch(/^cycle a -> b -> c -> a: /);
  });

  it("accepts diamonds and other acyclic shapes", () => {
    const document = graph(
      ["start", "a", "b", "end"],
      [
        ["start", "a"],
        ["start", "b"],
        ["a", "end"],
        ["b", "end"],
        ["start", "end"],
      ],
    );
    expect(findingsOf(document)).toEqual([]);
  });

  it("ignores edges to unknown aliases (DAG202 reports them)", () => {
    const document = graph(
      ["start", "a"],
      [
        ["start", "a"],
        ["a", "ghost"],
        ["ghost", "a"],
      ],
    );
    expect(findingsOf(document).map((f) => f.code)).toEqual(["DAG202", "DAG202"]);
  });

  it("agrees with a reachability matrix on random graphs: one finding per cyclic component, each a real cycle", () => {
    const graphs = fc.integer({ min: 1, max: 8 }).chain((size) =>
      fc.record({
        size: fc.constant(size),
        edges: fc.array(fc.tuple(fc.nat(size - 1), fc.nat(size - 1)), { maxLength: 20 }),
      }),
    );
    fc.assert(
      fc.property(graphs, ({ size, edges }) => {
        const aliases = Array.from({ length: size }, (_, index) => `v${index}`);
        const document = graph(
          aliases,
          edges.map(([from, to]) => [`v${from}`, `v${to}`]),
        );
        // reach[a][b]: a path of one or more edges leads from a to b (Floyd–Warshall closure).
        const reach = aliases.map((_, a) => aliases.map((_, b) => edges.some(([x, y]) => x === a && y === b)));
        for (let k = 0; k < size; k += 1) {
          for (let a = 0; a < size; a += 1) {
            for (let b = 0; b < size; b += 1) if (reach[a]?.[k] && reach[k]?.[b]) (reach[a] as boolean[])[b] = true;
          }
        }
        const onCycle = aliases.map((_, a) => reach[a]?.[a] === true);
        // Nodes on cycles, grouped by mutual reachability: the cyclic components.
        const components = new Set(
          aliases.flatMap((_, a) =>
            onCycle[a] ? [aliases.filter((_, b) => reach[a]?.[b] && reach[b]?.[a]).join(",")] : [],
          ),
        );
        const found = diagnosticsOf(document, ["DAG200"]);
        expect(found).toHaveLength(components.size);
        const edgeSet = new Set(edges.map(([from, to]) => `v${from}->v${to}`));
        for (const diagnostic of found) {
          const names = diagnostic.message.slice("cycle ".length, diagnostic.message.indexOf(":")).split(" -> ");
          expect(names[0]).toBe(names[names.length - 1]);
          expect(new Set(names.slice(1)).size).toBe(names.length - 1);
          for (let step = 1; step < names.length; step += 1) {
            expect(edgeSet.has(`${names[step - 1]}->${names[step]}`), diagnostic.message).toBe(true);
          }
          expect(diagnostic.node).toBe(names[0]);
          const pointed = document.edges?.[Number(diagnostic.path.split("/")[2])];
          expect([pointed?.from, pointed?.to]).toEqual([names[0], names[1]]);
        }
      }),
      { seed: 21, numRuns: 1_000 },
    );
  });
});
