import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createR2Api } from "@flows/cap-r2";
import { type BusCaller, createBusR2Provider } from "@flows/cap-r2/bus";
import { createBusJournal } from "@flows/caps/bus";
import type { JournalEntry } from "@flows/kernel";
import { build } from "esbuild";
import { formatCount, formatMicros, formatRatio, mark } from "../format";
import { median } from "../harness";
import type { Suite, SuiteContext } from "../suite";
import { formatTable } from "../table";
import { drive, type Mode, type Peer, type Sample, startPeer, type Transport } from "./bus/drivers";

/** The bus should keep at least this share of the raw echo's throughput at 64 calls in flight. */
const TARGET_SHARE = 0.7;
// Many short rounds: on a shared machine the load drifts within seconds, and pairing each bus
// sample with the raw one next to it cancels what hits both.
const ROUNDS = 15;
const CASES = [
  { inFlight: 1, calls: 1_500 },
  { inFlight: 64, calls: 10_000 },
] as const;
/**
 * `BENCH_BUS=socket,64` keeps only the transports and in-flight counts named (any of the words);
 * unset, everything runs. For iterating on one case; a full run is what the README quotes.
 */
const FILTER = (process.env.BENCH_BUS ?? "")
  .split(",")
  .map((word) => word.trim())
  .filter((word) => word.length > 0);
const TRANSPORTS = (["stdio", "socket"] as const satisfies readonly Transport[]).filter(
  (transport) => !FILTER.some((word) => word === "stdio" || word === "socket") || FILTER.includes(transport),
);
const SELECTED_CASES = CASES.filter(
  ({ inFlight }) => !FILTER.some((word) => /^\d+$/.test(word)) || FILTER.includes(String(inFlight)),
);
/** Node flags for the bus peer, e.g. `BENCH_BUS_PEER_FLAGS="--cpu-prof --cpu-prof-dir=bench/.out/peer"`. */
const PEER_FLAGS = (process.env.BENCH_BUS_PEER_FLAGS ?? "").split(" ").filter((flag) => flag.length > 0);
const MODES = ["bus", "raw", "raw-batched"] as const satisfies readonly Mode[];
const LABELS: Record<Mode, string> = {
  bus: "bus (echo.echo)",
  raw: "raw echo, a write a line",
  "raw-batched": "raw echo, batched writes",
};
const WITH_BODIES = FILTER.length === 0 || FILTER.includes("r2");

function percentile(samples: readonly Sample[], fraction: number): number {
  const all = Float64Array.from(samples.flatMap((sample) => [...sample.latencies])).sort();
  return all[Math.min(all.length - 1, Math.floor(all.length * fraction))] ?? Number.NaN;
}

const BODY_MIB = 8;
const BODY_ROUNDS = 5;

/** Put and get of one large object through the r2 bus provider: MiB/s each way. */
async function r2Bodies(bus: BusCaller): Promise<string> {
  const r2 = createR2Api(createBusR2Provider(bus));
  const body = new Uint8Array(BODY_MIB * 1024 * 1024).map((_, index) => index % 251);
  const rates = { put: [] as number[], get: [] as number[] };
  for (let round = 0; round <= BODY_ROUNDS; round += 1) {
    const started = performance.now();
    await r2.put("bench/body", body);
    const stored = performance.now();
    const read = await (await r2.get("bench/body"))?.bytes();
    const done = performance.now();
    if (read?.byteLength !== body.byteLength) throw new Error("the object came back with another size");
    // Round 0 warms up.
    if (round === 0) continue;
    rates.put.push((BODY_MIB * 1000) / (stored - started));
    rates.get.push((BODY_MIB * 1000) / (done - stored));
  }
  return `put ${median(rates.put).toFixed(0)} MiB/s, get ${median(rates.get).toFixed(0)} MiB/s`;
}

const OUTPUT_MIB = 5;

/**
 * A node output of 5 MiB as a container flow journals it: `journal.append` of its completed
 * entry (in parts: the bus frame is 1 MiB), then `journal.read` of the run (what a replay does),
 * through the bus journal the container uses. MiB/s of the output each way.
 */
async function nodeOutputs(bus: BusCaller): Promise<string> {
  const journal = createBusJournal(bus);
  const output = "o".repeat(OUTPUT_MIB * 1024 * 1024);
  const rates = { append: [] as number[], read: [] as number[] };
  for (let round = 0; round <= BODY_ROUNDS; round += 1) {
    const runId = `bench-output-${round}`;
    const entry = { type: "completed", node: "make", output } as unknown as JournalEntry;
    const started = performance.now();
    await journal.append(runId, [entry]);
    const appended = performance.now();
    const [read] = await journal.read(runId);
    const done = performance.now();
    if ((read as unknown as { output?: string } | undefined)?.output?.length !== output.length) {
      throw new Error("the journaled output came back with another size");
    }
    // Round 0 warms up.
    if (round === 0) continue;
    rates.append.push((OUTPUT_MIB * 1000) / (appended - started));
    rates.read.push((OUTPUT_MIB * 1000) / (done - appended));
  }
  return `append ${median(rates.append).toFixed(0)} MiB/s, read back ${median(rates.read).toFixed(0)} MiB/s`;
}

/** Both processes' CPU time per call over all rounds: steadier than wall time under load. */
function cpuPerCall(samples: readonly Sample[]): string {
  const known = samples.map((sample) => sample.cpuMicrosPerCall).filter((value) => value !== undefined);
  if (known.length === 0) return "n/a";
  return formatMicros(known.reduce((sum, value) => sum + value, 0) / known.length);
}

/**
 * Bus calls (client → stream transport → a child's dispatcher → a trivial handler → back)
 * against the floor: the same NDJSON lines echoed by the child with no bus, over the same
 * transport, in interleaved rounds.
 */
export const busSuite: Suite = {
  name: "bus",
  summary: "host command bus calls/s and round trips over stdio and a Unix socket vs a raw NDJSON echo",
  async run(context: SuiteContext) {
    const scratch = mkdtempSync(join(tmpdir(), "flows-bench-bus-"));
    // Next to the bench bundle, so the peer finds opendal in node_modules.
    const script = join(context.repoRoot, "bench/.out/bus-peer.mjs");
    await build({
      entryPoints: [join(context.repoRoot, "bench/src/suites/bus/peer.ts")],
      outfile: script,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      logLevel: "warning",
      external: ["opendal"],
      conditions: ["@flows/source"],
    });
    const rows: string[][] = [];
    const verdicts: string[] = [];
    const bodies: string[] = [];
    try {
      for (const transport of TRANSPORTS) {
        const peers: Record<Mode, Peer> = {
          bus: await startPeer(script, "bus", transport, scratch, PEER_FLAGS),
          raw: await startPeer(script, "raw", transport, scratch),
          "raw-batched": await startPeer(script, "raw-batched", transport, scratch),
        };
        try {
          for (const { inFlight, calls } of SELECTED_CASES) {
            const samples: Record<Mode, Sample[]> = { bus: [], raw: [], "raw-batched": [] };
            // Warm-up, untimed, then rounds that rotate which one goes first.
            for (const mode of MODES) await drive(peers[mode], calls, inFlight);
            for (let round = 0; round < ROUNDS; round += 1) {
              const order = [...MODES.slice(round % MODES.length), ...MODES.slice(0, round % MODES.length)];
              for (const mode of order) samples[mode].push(await drive(peers[mode], calls, inFlight));
            }
            // The floor of a round is the faster of the two raw echoes in it.
            const floor = (round: number) =>
              Math.max(samples.raw[round]?.callsPerSecond ?? 0, samples["raw-batched"][round]?.callsPerSecond ?? 0);
            const shareOf = (mode: Mode) =>
              median(samples[mode].map((sample, round) => sample.callsPerSecond / floor(round)));
            const share = shareOf("bus");
            for (const mode of MODES) {
              rows.push([
                transport,
                String(inFlight),
                LABELS[mode],
                formatCount(Math.round(median(samples[mode].map((sample) => sample.callsPerSecond)))),
                formatMicros(percentile(samples[mode], 0.5) * 1000),
                formatMicros(percentile(samples[mode], 0.99) * 1000),
                cpuPerCall(samples[mode]),
                formatRatio(shareOf(mode)),
              ]);
            }
            if (inFlight === 64 && WITH_BODIES && peers.bus.bus !== undefined) {
              bodies.push(`  ${transport}: r2 object of ${BODY_MIB} MiB: ${await r2Bodies(peers.bus.bus)}`);
              bodies.push(
                `  ${transport}: node output of ${OUTPUT_MIB} MiB (journal): ${await nodeOutputs(peers.bus.bus)}`,
              );
            }
            if (inFlight === 64) {
              verdicts.push(
                `  ${transport}, 64 in flight: bus ÷ the faster raw echo ${(share * 100).toFixed(0)} % (target ≥ ${TARGET_SHARE * 100} %: ${mark(share >= TARGET_SHARE)})`,
              );
            }
          }
        } finally {
          for (const mode of MODES) await peers[mode].close();
        }
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    context.log(
      `  median of ${ROUNDS} interleaved rounds per row; p50/p99 over every call of those rounds;\n  ÷ floor: median per-round ratio to the faster raw echo of that round\n` +
        formatTable(
          [
            { header: "transport", align: "left" },
            { header: "in flight" },
            { header: "calls", align: "left" },
            { header: "calls/s" },
            { header: "p50 µs" },
            { header: "p99 µs" },
            { header: "CPU µs/call" },
            { header: "÷ floor" },
          ],
          rows,
        )
          .split("\n")
          .map((line) => `  ${line}`)
          .join("\n"),
    );
    for (const verdict of verdicts) context.log(verdict);
    if (bodies.length === 0) return;
    context.log(
      `\n  values larger than a frame over the bus (median of ${BODY_ROUNDS}): an r2 object put and read back (chunk streams), a node output journaled and read back (staged parts)`,
    );
    for (const line of bodies) context.log(line);
  },
};
