// `npm run bench [-- <node flags>] [-- <suite>...]`: bundles the TypeScript suites with esbuild
// into bench/.out/main.mjs, then runs that bundle in a child Node started with --expose-gc (the
// suites collect garbage between samples and weigh retained heap). Arguments starting with "-"
// go to that Node (e.g. --cpu-prof), the rest name suites. Figures are printed, never asserted:
// the exit code is non-zero only when the bench itself breaks.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { nodeBundleOptions } from "../scripts/node-bundle.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const outfile = `${here}.out/main.mjs`;

await build({
  entryPoints: [`${here}src/main.ts`],
  outfile,
  ...nodeBundleOptions,
  // Native or heavyweight packages load from node_modules at run time; ajv stays the
  // published build, exactly what its users run.
  external: ["ajv", "opendal", "miniflare", "wrangler", "esbuild"],
});

const args = process.argv.slice(2);
const nodeFlags = args.filter((arg) => arg.startsWith("-"));
const suites = args.filter((arg) => !arg.startsWith("-"));
const child = spawnSync(process.execPath, ["--expose-gc", "--enable-source-maps", ...nodeFlags, outfile, ...suites], {
  stdio: "inherit",
});
if (child.error) throw child.error;
process.exit(child.status ?? 1);
