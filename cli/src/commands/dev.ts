import { isIP } from "node:net";
import { dirname, join, relative, resolve } from "node:path";
import { parseVerbArgs } from "../args";
import { curlCommands } from "../dev/curl";
import { readDevVars } from "../dev/dev-vars";
import { miniflareOptions } from "../dev/miniflare-options";
import { ensurePortFree } from "../dev/port-free";
import { requestLog } from "../dev/request-log";
import { serveUntilStopped } from "../dev/watch";
import { EXIT_FAILED, EXIT_OK, reportUsage, UsageError } from "../exit";
import { summarize } from "../format/report";
import { formatDiagnosticLines, formatText } from "../format/text";
import { makeDirs } from "../fs/make-dirs";
import type { CliIo } from "../io";
import { BuildError } from "../publish/bundle";
import { emitWorker } from "../publish/emit";
import { API_TOKEN_SECRET, manifestSecretNames } from "../publish/names";
import { progress, stderrColor } from "../publish/progress";
import { checkProject, type Project } from "../publish/project";

export const DEV_HELP = `Usage: flows dev [--port <n>] [options]

Serves the project of flows.config.json as a local Worker in workerd (Miniflare), with the
bindings its wrangler.jsonc would declare (KV, R2, queues, Durable Objects on SQLite) and
their data persisted under .flows/dev/, so it survives a restart. Prints the URL and a
ready-to-paste curl command for each trigger. Any change to the project's files re-checks
and rebuilds it and reloads the Worker; a project with errors keeps the last good one running.

Secrets come from .dev.vars beside flows.config.json (KEY=value lines), then the environment.
Containers need Docker, which flows dev does not use: container-placed nodes are not served.

Options:
  --port <n>           port to listen on (default: 8787; 0 picks a free one)
  --host <addr>        address to listen on: an IP address or localhost (default: 127.0.0.1)
  --manifest <file>    the project manifest (default: ./flows.config.json)
  --state <dir>        state directory (default: .flows beside the manifest)
  --verbose            print every external command (esbuild) exactly as run
  -h, --help           show this help

Stop with Ctrl-C (exit 130; SIGTERM: 143). Exit codes otherwise: 1 the project has errors at
start or cannot be built, 2 usage error, a port in use (PORT409) or the manifest cannot be read.
`;

const OPTIONS = {
  port: { type: "string" },
  host: { type: "string" },
  manifest: { type: "string" },
  state: { type: "string" },
  verbose: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** workerd binds the address itself: a name it cannot bind would crash Miniflare's server, uncaught. */
function readHost(text: string | undefined): string {
  if (text === undefined) return "127.0.0.1";
  if (text === "localhost" || isIP(text) !== 0) return text;
  throw new UsageError("USAGE", `--host must be an IP address (127.0.0.1, 0.0.0.0, ::1) or localhost, got "${text}"`);
}

function readPort(text: string | undefined): number {
  if (text === undefined) return 8787;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError("USAGE", `--port must be 0-65535, got "${text}"`);
  return port;
}

interface Loaded {
  readonly project: Project;
  readonly scriptPath: string;
}

export async function devCommand(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseVerbArgs(argv, OPTIONS);
    if (values.help) {
      io.stdout(DEV_HELP);
      return EXIT_OK;
    }
    if (positionals.length > 0) throw new UsageError("USAGE", `unexpected arguments: ${positionals.join(" ")}`);
    const port = readPort(values.port);
    const host = readHost(values.host);
    await ensurePortFree(host, port);
    const manifestPath = resolve(values.manifest ?? "flows.config.json");
    // --state is relative to the project, like everything the manifest names.
    const stateDir = resolve(dirname(manifestPath), values.state ?? ".flows", "dev");
    const steps = progress(io, "dev", values.verbose === true);
    const style = { color: stderrColor(io) };

    // Each (re)load checks the whole project first and builds into .flows/dev/build.
    const load = async (): Promise<Loaded | undefined> => {
      const checked = await checkProject(manifestPath);
      if (!checked.ok) {
        io.stderr(formatText(checked.reports, summarize(checked.reports), style));
        return undefined;
      }
      // Warnings (e.g. a misspelt manifest key) do not stop the project, but are shown.
      for (const line of formatDiagnosticLines(checked.reports, style)) io.stderr(`${line}\n`);
      makeDirs(stateDir, "STATE400", "state directory");
      const scriptPath = await emitWorker(checked.project, join(stateDir, "build"), steps);
      return { project: checked.project, scriptPath };
    };
    const first = await load();
    if (first === undefined) return EXIT_FAILED;
    const secretsFor = (project: Project) => {
      const fromFile = readDevVars(join(project.root, ".dev.vars"));
      const secrets: Record<string, string> = { ...fromFile };
      for (const name of manifestSecretNames(project.manifest)) {
        const value = io.env[name];
        if (value !== undefined) secrets[name] = value;
      }
      return secrets;
    };
    const optionsFor = (loaded: Loaded) =>
      miniflareOptions(loaded.project, {
        scriptPath: loaded.scriptPath,
        stateDir,
        port,
        host,
        secrets: secretsFor(loaded.project),
      });

    const miniflare = await import("miniflare");
    const log = requestLog(miniflare, io);
    steps.step("starting workerd");
    const mf = new miniflare.Miniflare({ ...optionsFor(first), log });
    const url = (await mf.ready).origin;
    const token = secretsFor(first.project)[API_TOKEN_SECRET];
    if (token === undefined)
      steps.step(`${API_TOKEN_SECRET} is not set (.dev.vars): every route but /health answers 401`);
    if (first.project.manifest.container !== undefined) {
      steps.step("container-placed nodes are not served locally (they need Docker)");
    }
    steps.ok(`ready on ${url} (state in ${relative(process.cwd(), stateDir) || stateDir})`);
    io.stdout(`${url}\n${curlCommands(first.project, url, token).join("\n")}\n`);

    return await serveUntilStopped(first.project.root, stateDir, steps, async (changed) => {
      const next = await load();
      if (next === undefined) {
        steps.step(`${changed} changed; the project has errors, still serving the last good build`);
        return;
      }
      await mf.setOptions({ ...optionsFor(next), log });
      steps.ok(`reloaded after a change to ${changed}`);
    }).finally(() => mf.dispose());
  } catch (error) {
    if (error instanceof BuildError) {
      io.stderr(`flows dev: ${error.code}: ${error.message}\n`);
      return EXIT_FAILED;
    }
    return reportUsage(error, io, "dev");
  }
}
