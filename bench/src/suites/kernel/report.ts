import { formatMicros, mark } from "../../format";
import { formatTable } from "../../table";
import type { CandidateName } from "./protocol";
import type { Shape } from "./shapes";
import { type Spread, spreadOf } from "./stats";

/** Issue 18's targets, marked in the tables, never asserted. */
export const TARGETS = {
  overFloorUs: 2,
  stretchOverFloorUs: 1,
  langgraphRatio: 100,
  heapBytes: 4 * 1024,
  /** The shapes the per-node target is set for. */
  shapes: ["chain of 100", "fan-out of 100"],
} as const;

const indent = (table: string) =>
  table
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");

const times = (ratio: number) => `${ratio.toLocaleString("en-US", { maximumFractionDigits: 0 })}×`;
const quartiles = (spread: Spread, format: (value: number) => string) => `${format(spread.q1)}–${format(spread.q3)}`;

/** One row per shape from its rounds: per-round differences and ratios, then their spread. */
export function timingRow(shape: Shape, samples: Record<CandidateName, readonly number[]>): string[] {
  const over = spreadOf(samples.ours.map((ours, round) => ours - (samples.floor[round] ?? Number.NaN)));
  const ratio = spreadOf(samples.langgraph.map((langgraph, round) => langgraph / (samples.ours[round] ?? Number.NaN)));
  const targeted = (TARGETS.shapes as readonly string[]).includes(shape.name);
  return [
    shape.name,
    formatMicros(spreadOf(samples.floor).median),
    formatMicros(spreadOf(samples.ours).median),
    formatMicros(over.median),
    quartiles(over, formatMicros),
    targeted ? mark(over.median <= TARGETS.overFloorUs) : "",
    targeted ? mark(over.median <= TARGETS.stretchOverFloorUs) : "",
    formatMicros(spreadOf(samples.langgraph).median),
    times(ratio.median),
    quartiles(ratio, times),
    mark(ratio.median >= TARGETS.langgraphRatio),
  ];
}

export function timingTable(rows: readonly (readonly string[])[]): string {
  return indent(
    formatTable(
      [
        { header: "flow (trivial nodes)", align: "left" },
        { header: "floor µs/node" },
        { header: "ours µs/node" },
        { header: "ours − floor" },
        { header: "q1–q3" },
        { header: `≤ ${TARGETS.overFloorUs} µs`, align: "left" },
        { header: `≤ ${TARGETS.stretchOverFloorUs} µs`, align: "left" },
        { header: "LangGraph µs/node" },
        { header: "LangGraph ÷ ours" },
        { header: "q1–q3" },
        { header: `≥ ${TARGETS.langgraphRatio}×`, align: "left" },
      ],
      rows,
    ),
  );
}

const kib = (bytes: number) => (bytes / 1024).toFixed(2);

/** Heap per parked run of each candidate: median of the repeats, and their range. */
export function heapTable(weighed: Record<CandidateName, readonly number[]>): string {
  const rows = (Object.entries(weighed) as [CandidateName, readonly number[]][]).map(([candidate, bytes]) => {
    const median = spreadOf(bytes).median;
    return [
      candidate === "langgraph" ? "LangGraph" : candidate,
      kib(median),
      `${kib(Math.min(...bytes))}–${kib(Math.max(...bytes))}`,
      candidate === "ours" ? mark(median <= TARGETS.heapBytes) : "",
    ];
  });
  return indent(
    formatTable(
      [
        { header: "candidate", align: "left" },
        { header: "KiB per run" },
        { header: "range" },
        { header: `ours ≤ ${TARGETS.heapBytes / 1024} KiB`, align: "left" },
      ],
      rows,
    ),
  );
}
