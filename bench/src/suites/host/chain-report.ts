import { formatMicros, formatMs, mark } from "../../format";
import type { SuiteContext } from "../../suite";
import { formatTable } from "../../table";
import { CHAIN_LENGTHS } from "./chain-lengths";
import type { ChainRunner, ChainSamples } from "./durable-chain";
import { paired, type Split, type Spread, splitCost, spread } from "./marginal";

/** Targets of the issue; marked pass/MISS, never asserted. */
const TARGET_OVER_FLOOR_US = 15;
const TARGET_FIXED_MS = 2;
const TARGET_WORKFLOWS_RATIO = 25;

const LABELS: Record<ChainRunner, string> = {
  floor: "floor: SQLite Durable Object, an INSERT a step",
  ours: "ours: flow run in the run Durable Object",
  workflows: "Cloudflare Workflows (Miniflare), step.do",
};

const range = (figure: Spread, format: (value: number) => string) => `${format(figure.q1)}–${format(figure.q3)}`;
const withRange = (figure: Spread, format: (value: number) => string, unit: string) =>
  `${format(figure.median)}${unit} [${range(figure, format)}]`;
const us = (ms: number) => ms * 1_000;
const indent = (text: string) =>
  text
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");

/** Prints the durable-chain figures: marginal cost per step and fixed cost per run, per runner. */
export function reportChains(context: SuiteContext, samples: ChainSamples): void {
  const [short, long] = CHAIN_LENGTHS;
  const splits: Record<ChainRunner, Split> = {
    floor: splitCost(samples.ms.floor.short, samples.ms.floor.long, short, long),
    ours: splitCost(samples.ms.ours.short, samples.ms.ours.long, short, long),
    workflows: splitCost(samples.ms.workflows.short, samples.ms.workflows.long, short, long),
  };
  const { floor, ours, workflows } = splits;
  const requests = (name: ChainRunner) => samples.ms[name].short[0]?.length ?? 0;
  const rows = (["floor", "ours", "workflows"] as const).map((name) => {
    const { shortMs, longMs, perStepMs, fixedMs } = splits[name];
    const perStep = spread(perStepMs.map(us));
    const fixed = spread(fixedMs);
    return [
      LABELS[name],
      String(requests(name)),
      formatMs(spread(shortMs).median),
      formatMs(spread(longMs).median),
      formatMicros(perStep.median),
      range(perStep, formatMicros),
      formatMs(fixed.median),
      range(fixed, formatMs),
    ];
  });
  context.log(
    `\n  durable chain of ${short} and ${long} trivial steps, a new Durable Object or Workflow instance per run,` +
      ` storage on ${samples.storage};` +
      `\n  whole requests timed from Node (dispatchFetch); ${samples.rounds} rounds, runners interleaved, the first rotating;` +
      `\n  per round: t(n) = median request of n steps, per step = (t(${long}) − t(${short})) ÷ ${long - short},` +
      ` fixed = t(${short}) − ${short} × per step;\n  figures: median [quartiles] over the rounds`,
  );
  context.log(
    indent(
      formatTable(
        [
          { header: "runner", align: "left" },
          { header: "runs/round" },
          { header: `t(${short}) ms` },
          { header: `t(${long}) ms` },
          { header: "per step µs" },
          { header: "quartiles" },
          { header: "fixed ms" },
          { header: "quartiles" },
        ],
        rows,
      ),
    ),
  );
  // Paired within each round, so a slow moment of the machine weighs on both sides alike.
  const overFloor = spread(paired(ours.perStepMs, floor.perStepMs, (a, b) => us(a - b)));
  const fixed = spread(ours.fixedMs);
  const fixedOverFloor = spread(paired(ours.fixedMs, floor.fixedMs, (a, b) => a - b));
  const ratio = spread(paired(workflows.perStepMs, ours.perStepMs, (a, b) => a / b));
  context.log(
    `  ours − floor per step: ${withRange(overFloor, formatMicros, " µs")}` +
      ` (target ≤ ${TARGET_OVER_FLOOR_US} µs: ${mark(overFloor.median <= TARGET_OVER_FLOOR_US)})`,
  );
  context.log(
    `  ours fixed per run: ${withRange(fixed, formatMs, " ms")} (target ≤ ${TARGET_FIXED_MS} ms: ${mark(fixed.median <= TARGET_FIXED_MS)});` +
      ` ours − floor: ${withRange(fixedOverFloor, formatMs, " ms")} (≤ ${TARGET_FIXED_MS} ms: ${mark(fixedOverFloor.median <= TARGET_FIXED_MS)})`,
  );
  context.log(
    `  Workflows ÷ ours per step: ${withRange(ratio, (value) => value.toFixed(1), "×")}` +
      ` (target ≥ ${TARGET_WORKFLOWS_RATIO}×: ${mark(ratio.median >= TARGET_WORKFLOWS_RATIO)})`,
  );
}
