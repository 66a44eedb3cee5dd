import { isIP } from "node:net";
import { dirname, join, relative, resolve } from "node:path";
import { parseVerbArgs } from "../args";
import { curlCommands } from "../dev/curl";
import { buildContainers, type LoadedContainers } from "../dev/dev-containers";
import { devEngine } from "../dev/dev-engine";
import { readDevVars } from "../dev/dev-vars";
import { ensureDocker } from "../dev/docker";
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
import { API_TOKEN_SECRET, manifestSecretNames, PAGE_PATH } from "../publish/names";
import { progress, stderrColor } from "../publish/progress";
import { checkProject, type Project } from "../publish/project";

export const DEV_HELP = `Usage: flows dev [--port <n>] [options]

Serves the project of flows.config.json as a local Worker in workerd (Miniflare), with the
bindings its wrangler.jsonc would declare (KV, R2, queues, Durable Objects on SQLite) and
their data persisted under .flows/dev/, so it survives a restart. Prints the URL, the run
inspector's (<url>/_flows/, sign in with FLOWS_API_TOKEN) and a ready-to-paste curl command
for each trigger. Any change to the project's files re-checks
and rebuilds it and reloads the Worker; a project with errors keeps the last good one running.

Secrets come from .dev.vars beside flows.config.json (KEY=value lines), then the environment.

Containers: container nodes and flows run behind the same Container class, bus, restart policy
and crash-loop protection as deployed. By default each container instance is a local Node
process running the container bundle \`flows publish workers\` puts in the image (no Docker
needed), on loopback, with an empty disk directory under .flows/dev/containers at each start;
its output is printed with a [container <name>] prefix. A reload stops the processes, so the
next request starts the rebuilt bundle.

Options:
  --port <n>           port to listen on (default: 8787; 0 picks a free one)
  --host <addr>        address to listen on: an IP address or localhost (default: 127.0.0.1)
  --manifest <file>    the project manifest (default: ./flows.config.json)
  --state <dir>        state directory (default: .flows beside the manifest)
  --container-engine <local|docker>
                       who runs container instances: local Node processes (default), or
                       Docker (builds the image from the Dockerfile; needs a running engine,
                       checked first: DOCKER503 and exit 2 when there is none)
  --verbose            print every external command (esbuild) exactly as run
  -h, --help           show this help

Stop with Ctrl-C (exit 130; SIGTERM: 143). Exit codes otherwise: 1 the project has errors at
start or cannot be built, 2 usage error, a port in use (PORT409), no Docker engine for
--container-engine docker (DOCKER503) or the manifest cannot be read.
`;

const OPTIONS = {
  port: { type: "string" },
  host: { type: "string" },
  manifest: { type: "string" },
  state: { type: "string" },
  "container-engine": { type: "string" },
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

type ContainerEngine = "local" | "docker";

function readEngine(text: string | undefined): ContainerEngine {
  if (text === undefined || text === "local" || text === "docker") return text ?? "local";
  throw new UsageError("USAGE", `--container-engine must be local or docker, got "${text}"`);
}

interface Loaded {
  readonly project: Project;
  readonly scriptPath: string;
  /** The container bundle the local engine runs, or the image Docker runs. */
  readonly containers?: LoadedContainers;
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
    const engine = readEngine(values["container-engine"]);
    // Before anything is built: a missing engine is a matter of seconds to say, not a build.
    if (engine === "docker") ensureDocker(io.env);
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
      const build = join(stateDir, "build");
      const runner = engine === "local" ? "local" : "platform";
      const scriptPath = await emitWorker(checked.project, build, steps, [], runner);
      const containers = await buildContainers(checked.project, build, engine, steps, io.env);
      return { project: checked.project, scriptPath, ...(containers === undefined ? {} : { containers }) };
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
    const containerEngine = devEngine(stateDir, steps, (text) => io.stderr(text));
    const optionsFor = async (loaded: Loaded) => {
      const containers = await containerEngine.optionsFor(loaded.containers);
      return miniflareOptions(loaded.project, {
        scriptPath: loaded.scriptPath,
        stateDir,
        port,
        host,
        secrets: secretsFor(loaded.project),
        ...(containers === undefined ? {} : { containers }),
      });
    };

    const miniflare = await import("miniflare");
    const log = requestLog(miniflare, io);
    steps.step("starting workerd");
    const mf = new miniflare.Miniflare({ ...(await optionsFor(first)), log });
    const url = (await mf.ready).origin;
    containerEngine.serving(url);
    const token = secretsFor(first.project)[API_TOKEN_SECRET];
    if (token === undefined)
      steps.step(`${API_TOKEN_SECRET} is not set (.dev.vars): every route but /health answers 401`);
    if (first.containers !== undefined) {
      steps.step(
        first.containers.engine === "local"
          ? "container nodes and flows run as local Node processes (started on first use)"
          : `container nodes and flows run in Docker (image ${first.containers.image})`,
      );
      // A local process shares this machine's network: say so rather than pretend it is cut off.
      if (first.containers.engine === "local" && first.project.manifest.container?.enable_internet === false)
        steps.step("container.enable_internet is false: not enforced for local processes (they share this network)");
    }
    steps.ok(`ready on ${url} (state in ${relative(process.cwd(), stateDir) || stateDir})`);
    steps.ok(`run inspector on ${url}${PAGE_PATH} (sign in with ${API_TOKEN_SECRET})`);
    io.stdout(`${url}\n${curlCommands(first.project, url, token).join("\n")}\n`);

    return await serveUntilStopped(first.project.root, stateDir, steps, async (changed) => {
      const next = await load();
      if (next === undefined) {
        steps.step(`${changed} changed; the project has errors, still serving the last good build`);
        return;
      }
      await containerEngine.beforeReload();
      const options = await optionsFor(next);
      containerEngine.serving(url);
      await mf.setOptions({ ...options, log });
      steps.ok(`reloaded after a change to ${changed}`);
    }).finally(async () => {
      await containerEngine.close();
      await mf.dispose();
    });
  } catch (error) {
    if (error instanceof BuildError) {
      io.stderr(`flows dev: ${error.code}: ${error.message}\n`);
      return EXIT_FAILED;
    }
    return reportUsage(error, io, "dev");
  }
}
