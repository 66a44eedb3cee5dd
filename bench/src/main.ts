import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { findRepoRoot } from "./repo-root";
import type { Suite, SuiteContext } from "./suite";
import { busSuite } from "./suites/bus.bench";
import { capsSuite } from "./suites/caps.bench";
import { containerSuite } from "./suites/container.bench";
import { devSuite } from "./suites/dev.bench";
import { hostSuite } from "./suites/host.bench";
import { indexSuite } from "./suites/index.bench";
import { kernelSuite } from "./suites/kernel.bench";
import { packageSuite } from "./suites/package.bench";
import { validateSuite } from "./suites/validate.bench";

/** Every suite, in the order `npm run bench` runs them. New suites are added here. */
const SUITES: readonly Suite[] = [
  validateSuite,
  kernelSuite,
  capsSuite,
  hostSuite,
  indexSuite,
  busSuite,
  containerSuite,
  devSuite,
  packageSuite,
];

function select(names: readonly string[]): Suite[] | undefined {
  if (names.length === 0) return [...SUITES];
  const unknown = names.filter((name) => !SUITES.some((suite) => suite.name === name));
  if (unknown.length > 0) {
    console.error(`unknown bench suite(s): ${unknown.join(", ")}`);
    console.error(`available: ${SUITES.map((suite) => `${suite.name} (${suite.summary})`).join("; ")}`);
    return undefined;
  }
  return SUITES.filter((suite) => names.includes(suite.name));
}

/** Runs every suite, or only those named on the command line (`npm run bench -- validate`). */
async function main(names: readonly string[]): Promise<void> {
  const suites = select(names);
  if (suites === undefined) {
    // A usage error, not a slow machine: the one non-crash reason to exit non-zero.
    process.exitCode = 2;
    return;
  }
  const context: SuiteContext = {
    repoRoot: findRepoRoot(fileURLToPath(new URL(".", import.meta.url))),
    log: (line = "") => console.log(line),
  };
  const cpu = cpus();
  console.log(
    `flows bench — node ${process.version}, ${process.platform}/${process.arch}, ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}`,
  );
  for (const suite of suites) {
    console.log(`\n== ${suite.name}: ${suite.summary}`);
    await suite.run(context);
  }
}

await main(process.argv.slice(2));
