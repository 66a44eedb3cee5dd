import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";

/** One start of a container instance: a Node process running the container bundle. */
export interface ContainerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly generation: number;
  /** The exit code as a container engine reports it (128 + the signal's number when killed). */
  readonly exited: Promise<number>;
  readonly alive: () => boolean;
}

export interface ProcessSpec {
  readonly bundle: string;
  /** The instance's disk: emptied before each start, as a container's is. */
  readonly disk: string;
  readonly generation: number;
  readonly env: Readonly<Record<string, string>>;
  readonly onLine: (line: string) => void;
}

const SIGNAL_NUMBERS: Readonly<Record<string, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/** A loopback port nothing listens on now, for the process's PORT. */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolveListen) => server.listen(0, "127.0.0.1", resolveListen));
  const address = server.address();
  await new Promise((resolveClose) => server.close(resolveClose));
  if (address === null || typeof address === "string") throw new Error("no loopback port");
  return address.port;
}

/**
 * Only what a container would have from its image besides the start options: the variables
 * this machine needs to run Node, never the developer's own environment (tokens and the like).
 */
function baseEnvironment(): Record<string, string> {
  const keep = ["PATH", "HOME", "TMPDIR", "LANG", "SYSTEMROOT"];
  return Object.fromEntries(
    keep.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]]])),
  );
}

/**
 * Loaded ahead of the bundle: when `flows dev` dies without stopping its processes (kill -9), the
 * process is handed to another parent and stops itself (SIGTERM, so it drains as on a platform
 * stop) instead of staying behind on its port with nobody to serve its bus.
 */
const ORPHAN_WATCH = `data:text/javascript,${encodeURIComponent(
  'const parent = process.ppid; setInterval(() => { if (process.ppid !== parent) process.kill(process.pid, "SIGTERM"); }, 1000).unref();',
)}`;

/** Starts the bundle with Node on a free loopback port, in a fresh disk directory. */
export async function startContainerProcess(spec: ProcessSpec): Promise<ContainerProcess> {
  const port = await freeLoopbackPort();
  rmSync(spec.disk, { recursive: true, force: true });
  mkdirSync(spec.disk, { recursive: true });
  const child = spawn(process.execPath, ["--import", ORPHAN_WATCH, spec.bundle], {
    cwd: spec.disk,
    env: {
      ...baseEnvironment(),
      NODE_ENV: "development",
      ...spec.env,
      // Loopback only: the Worker reaches it through the engine, nothing else should.
      PORT: String(port),
      FLOWS_LISTEN_HOST: "127.0.0.1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  for (const stream of [child.stdout, child.stderr]) {
    let rest = "";
    stream?.on("data", (chunk: Buffer) => {
      const lines = (rest + chunk.toString("utf8")).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) if (line !== "") spec.onLine(line);
    });
    stream?.on("end", () => {
      if (rest !== "") spec.onLine(rest);
    });
  }
  const exited = new Promise<number>((resolveExit) => {
    child.on("exit", (code, signal) =>
      resolveExit(code ?? 128 + (signal === null ? 0 : (SIGNAL_NUMBERS[signal] ?? 0))),
    );
    // Node itself could not be started: what a shell says of a command it cannot run.
    child.on("error", () => resolveExit(127));
  });
  const alive = () => child.exitCode === null && child.signalCode === null && child.pid !== undefined;
  return { child, port, generation: spec.generation, exited, alive };
}
