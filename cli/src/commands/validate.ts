import { readFileSync } from "node:fs";
import {
  createPositionLocator,
  type Diagnostic,
  ManifestSchema,
  type ProjectManifest,
  parseJson,
  validate,
} from "@flows/flow-ir";
import * as v from "valibot";
import { formatGithub } from "../format/github";
import { formatJson } from "../format/json";
import { type FileReport, locate, summarize } from "../format/report";
import { formatText } from "../format/text";
import { UsageError } from "../local/load-nodes";
import { collectFiles, FLOW_FILE_SUFFIX } from "../validate/collect-files";
import { bundledRegistry } from "../validate/registry";
import type { CliIo } from "./cli-io";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, parseVerbArgs, reportUsage } from "./run-io";

export const VALIDATE_HELP = `Usage: flows validate <files|dirs|-> [--format text|json|github] [--manifest <file>]

Validates Flow IR files: the Flow IR 0.1 schema, graph checks (cycles, aliases,
references, ports), effect and determinism hints of every bundled capability
(kv, r2, queue, do) and the built-in ones (http, db, clock, rng), idempotency,
exactly-once delivery, edge budgets and control surfaces.

Arguments:
  files                 flow files to check
  dirs                  searched recursively for *${FLOW_FILE_SUFFIX}
  -                     read one flow from standard input

Options:
  --format <format>     text (default): file:line:col  CODE  message
                        json: {"files":[{"file","ok","diagnostics":[...]}],"summary":{...}}
                        github: ::error file=…,line=…,col=…::CODE message annotations
  --manifest <file>     project manifest (flows.config.json); enables DAG203 (bindings, secrets)
  -h, --help            show this help

Exit codes: 0 no errors (warnings allowed), 1 at least one error diagnostic,
2 usage error or an unreadable file or manifest.

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

function readManifest(path: string): ProjectManifest {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new UsageError("MANIFEST404", `cannot read manifest ${path}`);
  }
  const parsed = parseJson(text);
  if (!parsed.ok) throw new UsageError("MANIFEST400", `manifest ${path} is ${parsed.diagnostic.message}`);
  const result = v.safeParse(ManifestSchema, parsed.value);
  if (!result.success) {
    const issue = result.issues[0];
    const where = issue?.path?.map((item) => String(item.key)).join(".") ?? "";
    throw new UsageError(
      "MANIFEST400",
      `manifest ${path} is malformed${where ? ` at ${where}` : ""}: ${issue?.message ?? ""}`,
    );
  }
  return result.output;
}

function checkFile(file: string, text: string, manifest: ProjectManifest | undefined): FileReport {
  const registry = bundledRegistry();
  const result = validate(text, manifest === undefined ? { registry } : { registry, manifest });
  const locator = createPositionLocator(
    text,
    result.diagnostics.map((d) => d.path),
  );
  const position = (d: Diagnostic) => d.position ?? locator(d.path);
  return { file, ok: result.ok, diagnostics: result.diagnostics.map((d) => locate(d, position(d))) };
}

export async function validateCommand(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseVerbArgs(argv, OPTIONS);
    if (values.help) {
      io.stdout(VALIDATE_HELP);
      return EXIT_OK;
    }
    const format = (values.format ?? "text") as Format;
    if (!FORMATS.includes(format))
      throw new UsageError("USAGE", `unknown --format "${values.format}": use text, json or github`);
    if (positionals.length === 0)
      throw new UsageError("USAGE", "name the flow files or directories to validate (or - for stdin)");
    const manifest = values.manifest === undefined ? undefined : readManifest(values.manifest);
    const { files, problems } = collectFiles(positionals);
    const reports: FileReport[] = [];
    for (const file of files) {
      let text: string;
      try {
        text =
          file === "-"
            ? await (io.readStdin?.() ?? Promise.resolve(readFileSync(0, "utf8")))
            : readFileSync(file, "utf8");
      } catch {
        problems.push(`cannot read ${file}`);
        continue;
      }
      reports.push(checkFile(file === "-" ? "<stdin>" : file, text, manifest));
    }
    const summary = summarize(reports);
    if (reports.length === 0 && problems.length > 0 && format !== "json") {
      // Nothing was checked; only the read problems below are worth saying.
    } else if (format === "json") io.stdout(formatJson(reports, summary));
    else if (format === "github") io.stdout(formatGithub(reports));
    else io.stdout(formatText(reports, summary, { color: io.stdoutIsTTY === true && io.env?.NO_COLOR === undefined }));
    for (const problem of problems) io.stderr(`flows validate: ${problem}\n`);
    if (problems.length > 0) return EXIT_USAGE;
    return summary.errors > 0 ? EXIT_FAILED : EXIT_OK;
  } catch (error) {
    return reportUsage(error, io, "validate");
  }
}
