import { resolve } from "node:path";
import { parseVerbArgs } from "../args";
import { EXIT_FAILED, EXIT_OK, reportUsage, UsageError } from "../exit";
import { summarize } from "../format/report";
import { formatDiagnosticLines, formatSummaryLine } from "../format/text";
import type { CliIo } from "../io";
import { BuildError } from "../publish/bundle";
import { type Emitted, emitProject } from "../publish/emit";
import { shortFingerprint } from "../publish/fingerprint";
import { FlowVersionsError, writeFlowVersions } from "../publish/flow-versions";
import { MigrationError, writeHistory } from "../publish/migrations";
import { prepareOutDir } from "../publish/out-dir";
import { type Progress, progress, stderrColor } from "../publish/progress";
import { checkProject } from "../publish/project";
import { wranglerDeploy, wranglerDryRun } from "../publish/wrangler-run";

export const PUBLISH_HELP = `Usage: flows publish workers [--out <dir>] [--dry-run] [options]

Turns the project described by flows.config.json into a deployable Workers project and
deploys it with wrangler. Everything is checked first: the manifest (MANIFEST001-003, with
line and column), every flow (the rules of flows validate, DAG203 for an unlisted secret),
and a binding for every capability a flow uses (CAP101). Any error: exit 1, nothing written.

Written to the output directory:
  wrangler.jsonc        name, main, compatibility date and flags, KV, R2, queues (producers,
                        consumers), Durable Objects with new_sqlite_classes migrations,
                        containers, crons, vars; secrets by name only, never values
  src/entry.js          the Worker entry: the flows' IR embedded, node modules imported,
                        createProjectWorker from @flows/host-workers
  worker.js             its esbuild bundle (wrangler deploys it as is: no_bundle)
  Dockerfile            when a node or flow runs in the container: linux/amd64 Node image
  container/entry.js    the container entry (startContainer) and container/index.mjs, its bundle
  flows.publish.json    the content fingerprint (sha256 over IR, code and lock file) and
                        each file's hash; the fingerprint tags the version and the image
The same input gives byte-identical output. worker.js is minified, its source map
(worker.js.map) is uploaded with it, and it holds only the capabilities the flows use.

Durable Object migrations grow: flows.publish.json beside flows.config.json (commit it)
records the tags deployed so far; a publish that adds a class (a container, the do
capability) appends v2, v3, ... with only the new classes. A class that disappeared is
refused (MIGRATE409) unless --delete-class names it. --dry-run records nothing.

Flow versions are kept: flows.versions.json beside flows.config.json (commit it) records
every version of each flow deployed so far, and the Worker embeds the earlier ones, so a run
that started on one (a halted run, say) finishes on the graph it started with; without it
such a run fails FLOW409. Remove a version from the file once none of its runs is unfinished.

Options:
  --out <dir>          output directory (default: dist beside flows.config.json); a directory
                       of its own, never the project directory (OUT409)
  --manifest <file>    the project manifest (default: ./flows.config.json)
  --dry-run            check the result with \`wrangler deploy --dry-run\`, offline; the container
                       image is checked as registry.cloudflare.com/<name>:<fingerprint>
                       (building the Dockerfile needs Docker)
  --no-deploy          write the project only, run no wrangler command
  --delete-class <A,B> delete these Durable Object classes (and all their data) in a new
                       migration; needed once a class an earlier publish deployed is gone
  --verbose            print every external command (esbuild, wrangler) exactly as run
  -h, --help           show this help

Without --dry-run or --no-deploy, runs \`wrangler deploy --tag <fingerprint>\`, which needs a
Cloudflare account (\`wrangler login\` or CLOUDFLARE_API_TOKEN) and the network.

Exit codes: 0 published (or dry run passed), 1 the project has errors or a build or wrangler
step failed, 2 usage error or the manifest cannot be read.

Examples:
  flows publish workers --dry-run
  flows publish workers --out build/worker --verbose
`;

const OPTIONS = {
  out: { type: "string" },
  manifest: { type: "string" },
  "dry-run": { type: "boolean" },
  "no-deploy": { type: "boolean" },
  "delete-class": { type: "string" },
  verbose: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

async function wranglerStep(dryRun: boolean, outDir: string, emitted: Emitted, steps: Progress) {
  if (dryRun) {
    steps.step("wrangler deploy --dry-run (offline)");
    return wranglerDryRun(outDir, emitted.config, emitted.fingerprint, steps.command);
  }
  steps.step(
    `wrangler deploy --tag ${shortFingerprint(emitted.fingerprint)} (needs a Cloudflare account and the network)`,
  );
  return wranglerDeploy(outDir, emitted.fingerprint, steps.command);
}

export async function publishCommand(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseVerbArgs(argv, OPTIONS);
    if (values.help) {
      io.stdout(PUBLISH_HELP);
      return EXIT_OK;
    }
    const [target, ...extra] = positionals;
    if (target === undefined) throw new UsageError("USAGE", 'name the target: "flows publish workers"');
    if (target !== "workers") throw new UsageError("USAGE", `unknown target "${target}" (the only one is "workers")`);
    if (extra.length > 0) throw new UsageError("USAGE", `unexpected arguments: ${extra.join(" ")}`);
    if (values["dry-run"] && values["no-deploy"])
      throw new UsageError("USAGE", "--dry-run and --no-deploy exclude each other");

    const steps = progress(io, "publish", values.verbose === true);
    const manifestPath = resolve(values.manifest ?? "flows.config.json");
    steps.step(`checking ${values.manifest ?? "flows.config.json"}, its flows and bindings`);
    const checked = await checkProject(manifestPath);
    if (!checked.ok) {
      const style = { color: stderrColor(io) };
      const lines = formatDiagnosticLines(checked.reports, style);
      io.stderr(
        `${[...lines, formatSummaryLine(summarize(checked.reports), style)].join("\n")}\nnothing was written\n`,
      );
      return EXIT_FAILED;
    }
    // Warnings (e.g. a misspelt manifest key) do not stop a publish, but are shown.
    for (const line of formatDiagnosticLines(checked.reports, { color: stderrColor(io) })) io.stderr(`${line}\n`);
    const { project } = checked;
    const outDir = prepareOutDir(values.out, project.root);
    const deleteClasses = (values["delete-class"] ?? "")
      .split(",")
      .map((name) => name.trim())
      .filter((name) => name !== "");
    const emitted = await emitProject(project, outDir, steps, { deleteClasses });
    const tag = shortFingerprint(emitted.fingerprint);
    if (values["no-deploy"]) {
      writeHistory(project.root, emitted.migrations);
      writeFlowVersions(project.root, emitted.flowVersions);
      steps.ok(`wrote ${emitted.files.length} files to ${outDir} (${tag})`);
      io.stdout(`${JSON.stringify({ out: outDir, fingerprint: emitted.fingerprint, files: emitted.files })}\n`);
      return EXIT_OK;
    }
    const run = await wranglerStep(values["dry-run"] === true, outDir, emitted, steps);
    if (run.status !== 0) {
      const kept = "kept" in run && run.kept !== undefined ? `\n(the dry run's files are kept in ${run.kept})` : "";
      io.stderr(`flows publish: WRANGLER001: wrangler failed (exit ${run.status}):\n${run.output.trim()}${kept}\n`);
      return EXIT_FAILED;
    }
    if (!values["dry-run"]) {
      writeHistory(project.root, emitted.migrations);
      writeFlowVersions(project.root, emitted.flowVersions);
    }
    if (values.verbose) io.stderr(run.output);
    steps.ok(`${values["dry-run"] ? "dry run passed" : "deployed"}: ${project.manifest.name} ${tag} in ${outDir}`);
    io.stdout(`${JSON.stringify({ out: outDir, fingerprint: emitted.fingerprint, files: emitted.files })}\n`);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof BuildError || error instanceof MigrationError || error instanceof FlowVersionsError) {
      io.stderr(`flows publish: ${error.code}: ${error.message}\n`);
      return EXIT_FAILED;
    }
    return reportUsage(error, io, "publish");
  }
}
