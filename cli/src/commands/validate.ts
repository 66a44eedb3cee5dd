import type { HintRegistry, ProjectManifest } from "@flows/flow-ir";
import { parseVerbArgs } from "../args";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, reportUsage, UsageError } from "../exit";
import { DefinitionFailure, isFlowModule, loadFlowModule, scratchCache } from "../flow-module/load";
import { checkDefinedFlow, definitionReport } from "../flow-module/reports";
import { formatGithub } from "../format/github";
import { formatJson } from "../format/json";
import { type FileReport, summarize } from "../format/report";
import { formatText } from "../format/text";
import { type CliIo, colorEnabled } from "../io";
import { readManifest } from "../manifest/read";
import { readSource } from "../read-source";
import { checkText } from "../validate/check-file";
import { collectFiles, FLOW_FILE_SUFFIXES } from "../validate/collect-files";
import { bundledRegistry } from "../validate/registry";

export const VALIDATE_HELP = `Usage: flows validate <files|dirs|-> [--format text|json|github] [--manifest <file>]

Validates Flow IR files: the Flow IR 0.1 schema, graph checks (cycles, aliases,
references, ports), effect and determinism hints of every bundled capability
(kv, r2, queue, do) and the built-in ones (http, db, clock, rng), idempotency,
exactly-once delivery, edge budgets and control surfaces.

Arguments:
  files                 flow files to check (any name)
  modules               .ts / .js modules exporting defined flows (defineFlow from
                        @flows/define): each flow's diagnostics point at the TypeScript
                        line that declared the node, edge or surface
  dirs                  searched recursively for *${FLOW_FILE_SUFFIXES.join(", *")}
                        (node_modules and hidden folders are skipped)
  -                     read one flow from standard input (reported as <stdin>)

Options:
  --format <format>     text (default): file:line:col  CODE  message, then a summary line
                        json: {"files":[{"file","ok","diagnostics":[{"code","severity",
                          "message","path","node","line","column"}]}],
                          "summary":{"files","errors","warnings"}}
                        github: ::error file=…,line=…,col=…::CODE message
                          (::warning for warnings), for GitHub Actions
  --manifest <file>     project manifest (flows.config.json); also checks that every
                        capability a node uses has its binding and secrets (DAG203)
  -h, --help            show this help

Exit codes: 0 no errors (warnings allowed), 1 at least one error diagnostic,
2 usage error (unknown option or format, no inputs) or an unreadable file or manifest.
Text output is coloured on a terminal unless NO_COLOR is set.

Examples:
  flows validate examples/
  flows validate --format github flows/
  flows validate --manifest flows.config.json --format json flows/ > report.json
  cat order.flow.json | flows validate -
`;

const OPTIONS = {
  format: { type: "string" },
  manifest: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const FORMATS = ["text", "json", "github"] as const;
type Format = (typeof FORMATS)[number];
const isFormat = (value: string): value is Format => (FORMATS as readonly string[]).includes(value);

/** Every flow a module defines, each diagnostic at its TypeScript line; a definition mistake is one error. */
async function checkModule(
  file: string,
  options: { readonly registry: HintRegistry; readonly manifest?: ProjectManifest },
): Promise<FileReport[]> {
  try {
    const flows = await loadFlowModule(file, { stateDir: ".flows" }, { cacheDir: scratchCache() });
    return flows.flatMap((flow) => checkDefinedFlow(file, flow, options).reports);
  } catch (error) {
    if (error instanceof DefinitionFailure) return [definitionReport(error)];
    throw error;
  }
}

export async function validateCommand(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseVerbArgs(argv, OPTIONS);
    if (values.help) {
      io.stdout(VALIDATE_HELP);
      return EXIT_OK;
    }
    const format = values.format ?? "text";
    if (!isFormat(format)) throw new UsageError("USAGE", `unknown --format "${format}": use text, json or github`);
    if (positionals.length === 0) {
      throw new UsageError("USAGE", "name the flow files or directories to validate (or - for standard input)");
    }
    const read = values.manifest === undefined ? undefined : readManifest(values.manifest);
    const manifest: ProjectManifest | undefined = read?.manifest;
    const { files, problems } = collectFiles(positionals);
    const registry = bundledRegistry();
    const options = manifest === undefined ? { registry } : { registry, manifest };
    // The manifest's own warnings (e.g. a misspelt key) are reported like a flow file's.
    const reports: FileReport[] = read?.warnings === undefined ? [] : [read.warnings];
    for (const file of files) {
      if (isFlowModule(file)) {
        reports.push(...(await checkModule(file, options)));
        continue;
      }
      const source = await readSource(file, io);
      if (!source.ok) {
        problems.push(source.message);
        continue;
      }
      reports.push(checkText(source.name, source.text, options).report);
    }
    const summary = summarize(reports);
    // JSON consumers always get a document; the other formats have nothing to say about zero files.
    if (format === "json") io.stdout(formatJson(reports, summary));
    else if (format === "github") io.stdout(formatGithub(reports));
    else if (reports.length > 0) io.stdout(formatText(reports, summary, { color: colorEnabled(io) }));
    for (const problem of problems) io.stderr(`flows validate: ${problem}\n`);
    if (problems.length > 0) return EXIT_USAGE;
    return summary.errors > 0 ? EXIT_FAILED : EXIT_OK;
  } catch (error) {
    return reportUsage(error, io, "validate");
  }
}
