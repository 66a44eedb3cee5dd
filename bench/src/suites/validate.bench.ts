import { doCapability } from "@flows/cap-do";
import { kvCapability } from "@flows/cap-kv";
import { queueCapability } from "@flows/cap-queue";
import { r2Capability } from "@flows/cap-r2";
import { hintRegistryFor } from "@flows/caps";
import { FlowSchema, type HintRegistry, validate } from "@flows/flow-ir";
import * as v from "valibot";
import { formatCount, formatMegabytes, formatMicros, formatMs, formatRatio, mark } from "../format";
import { compare, type Measurement, type MeasureOptions, pairedRatio, retainedHeap } from "../harness";
import type { Suite, SuiteContext } from "../suite";
import { formatTable } from "../table";
import { type Baseline, loadBaseline } from "./validate/baseline";
import { type GeneratedFlow, generateFlow } from "./validate/generate-flow";

const SIZES = [1_000, 10_000, 100_000] as const;
/** Full validation may cost at most this many times ajv's structural pass on the same value. */
const TARGET_RATIO = 3;
/** µs per node at the largest size over µs per node at the smallest: 1 is perfectly linear. */
const TARGET_LINEARITY = 2;

/** Smaller documents run faster, so they get more warm-up and more rounds (budget: all three). */
function samplingFor(size: number): MeasureOptions {
  if (size <= 1_000) return { warmup: 50, minSamples: 30, maxSamples: 300, budgetMs: 3_000 };
  if (size <= 10_000) return { warmup: 10, minSamples: 15, maxSamples: 80, budgetMs: 4_000 };
  return { warmup: 3, minSamples: 9, maxSamples: 21, budgetMs: 10_000 };
}

interface Row {
  readonly flow: GeneratedFlow;
  readonly jsonBytes: number;
  readonly ours: Measurement;
  readonly ajv: Measurement;
  readonly structure: Measurement;
  readonly documentHeap: number | undefined;
  readonly resultHeap: number | undefined;
}

/** A bench over an invalid document would time the early exits: refuse to measure it. */
function assertValid(document: unknown, nodes: number, registry: HintRegistry, baseline: Baseline): void {
  const result = validate(document, { registry });
  if (result.diagnostics.length > 0) {
    const first = result.diagnostics.slice(0, 3).map((d) => `${d.code} ${d.path}: ${d.message}`);
    throw new Error(`the generated ${nodes}-node flow is not clean:\n  ${first.join("\n  ")}`);
  }
  if (!baseline.check(document)) throw new Error(`ajv rejects the generated ${nodes}-node flow`);
}

function measureSize(size: number, registry: HintRegistry, baseline: Baseline): Row {
  const flow = generateFlow(size);
  const text = JSON.stringify(flow.document);
  // Flows arrive as files: measure the value JSON.parse makes of one (its object shapes are
  // what validate() meets in the CLI and at publish), not the generator's own objects.
  const documentHeap = retainedHeap(() => JSON.parse(text));
  const document: unknown = JSON.parse(text);
  assertValid(document, flow.nodes, registry, baseline);
  const measured = compare(
    [
      { name: "ours", run: () => validate(document, { registry }) },
      { name: "ajv", run: () => baseline.check(document) },
      { name: "structure", run: () => v.safeParse(FlowSchema, document, { abortEarly: false }) },
    ],
    samplingFor(size),
  );
  const pick = (name: string): Measurement => {
    const measurement = measured.get(name);
    if (measurement === undefined) throw new Error(`no samples for ${name}`);
    return measurement;
  };
  return {
    flow,
    jsonBytes: Buffer.byteLength(text),
    ours: pick("ours"),
    ajv: pick("ajv"),
    structure: pick("structure"),
    documentHeap,
    resultHeap: retainedHeap(() => validate(document, { registry })),
  };
}

const perNode = (measurement: Measurement, nodes: number) => (measurement.median * 1_000) / nodes;

function printTimes(context: SuiteContext, rows: readonly Row[]): void {
  const table = formatTable(
    [
      { header: "nodes" },
      { header: "edges" },
      { header: "surfaces" },
      { header: "ours ms" },
      { header: "µs/node" },
      { header: "ajv ms" },
      { header: "µs/node" },
      { header: "ours/ajv" },
      { header: `≤ ${TARGET_RATIO}×`, align: "left" },
      { header: "structure ms" },
      { header: "µs/node" },
      { header: "samples" },
    ],
    rows.map(({ flow, ours, ajv, structure }) => {
      const ratio = pairedRatio(ours, ajv);
      return [
        formatCount(flow.nodes),
        formatCount(flow.edges),
        formatCount(flow.surfaces),
        formatMs(ours.median),
        formatMicros(perNode(ours, flow.nodes)),
        formatMs(ajv.median),
        formatMicros(perNode(ajv, flow.nodes)),
        formatRatio(ratio),
        mark(ratio <= TARGET_RATIO),
        formatMs(structure.median),
        formatMicros(perNode(structure, flow.nodes)),
        `${ours.samples.length}/${ajv.samples.length}/${structure.samples.length}`,
      ];
    }),
  );
  for (const line of table.split("\n")) context.log(`  ${line}`);
}

function printSpread(context: SuiteContext, rows: readonly Row[]): void {
  const range = (m: Measurement) => `${formatMs(m.min)}–${formatMs(m.max)}`;
  const table = formatTable(
    [
      { header: "nodes" },
      { header: "JSON MB" },
      { header: "doc heap MB" },
      { header: "result heap MB" },
      { header: "ours min–max ms" },
      { header: "ajv min–max ms" },
      { header: "structure min–max ms" },
    ],
    rows.map((row) => [
      formatCount(row.flow.nodes),
      formatMegabytes(row.jsonBytes),
      formatMegabytes(row.documentHeap),
      formatMegabytes(row.resultHeap),
      range(row.ours),
      range(row.ajv),
      range(row.structure),
    ]),
  );
  for (const line of table.split("\n")) context.log(`  ${line}`);
}

function printLinearity(context: SuiteContext, rows: readonly Row[]): void {
  const first = rows[0];
  const last = rows[rows.length - 1];
  if (first === undefined || last === undefined || first === last) return;
  const growth = (pick: (row: Row) => Measurement) =>
    perNode(pick(last), last.flow.nodes) / perNode(pick(first), first.flow.nodes);
  const ours = growth((row) => row.ours);
  const span = `${formatCount(last.flow.nodes)} vs ${formatCount(first.flow.nodes)} nodes`;
  context.log(
    `  linearity (µs/node at ${span}): ours ${ours.toFixed(2)} — target ≤ ${TARGET_LINEARITY}: ${mark(ours <= TARGET_LINEARITY)}`,
  );
  context.log(
    `                                 ajv ${growth((row) => row.ajv).toFixed(2)}, structure ${growth((row) => row.structure).toFixed(2)} (information)`,
  );
}

export const validateSuite: Suite = {
  name: "validate",
  summary: "validate() on generated 1k/10k/100k-node flows vs ajv on the reference JSON Schema",
  run(context) {
    const registry = hintRegistryFor([kvCapability, r2Capability, queueCapability, doCapability]);
    const baseline = loadBaseline(context.repoRoot);
    context.log(`  ours       validate(doc, { registry }): structure + every semantic check,`);
    context.log(
      `             registry = builtin + kv, r2, queue, do (${registry.constraints.length} hint constraints)`,
    );
    context.log(`  baseline   ${baseline.description}; structure only, on the same parsed value`);
    context.log(
      "  structure  valibot safeParse(FlowSchema): our schema alone, through valibot (information, no target;",
    );
    context.log("             validate() may take a faster path over the same schema for valid documents)");
    if (baseline.fallback)
      context.log("  NOTE       the reference schema is absent: ajv runs on our own exported schema");

    // Untimed runs on a mid-sized document first, so the smallest size is not measured
    // against a cold JIT (which would flatter the linearity figure).
    const warm: unknown = JSON.parse(JSON.stringify(generateFlow(SIZES[1]).document));
    for (let round = 0; round < 5; round += 1) {
      validate(warm, { registry });
      baseline.check(warm);
      v.safeParse(FlowSchema, warm, { abortEarly: false });
    }

    const rows = SIZES.map((size) => measureSize(size, registry, baseline));
    context.log();
    context.log("  median time per validation; the three run in interleaved rounds (samples: ours/ajv/structure),");
    context.log("  and ours/ajv is the median of the per-round ratios");
    printTimes(context, rows);
    context.log();
    printLinearity(context, rows);
    context.log();
    context.log("  size, memory and spread (heap figures need --expose-gc, which bench/run.mjs passes)");
    printSpread(context, rows);
  },
};
