import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createNetServer } from "node:net";
import { LOCAL_ENGINE_BINDINGS, localBusUrl } from "../../../cli/src/dev/local-engine-protocol";

/**
 * Test side of the Docker-engine stand-in: workerd cannot spawn processes, so the product's
 * local engine (`installLocalEngine`, the one `flows dev` uses) asks this supervisor over
 * loopback HTTP to start, signal and watch a real Node child per container instance. It speaks
 * the protocol of `flows dev`'s supervisor (cli/src/dev/container-supervisor.ts: bearer token,
 * routes, JSON fields) so the fixtures run the product engine, and adds what the tests inspect
 * (starts, start options, pids). Each child gets a free port (its PORT) and its bus URL pointed
 * at the Worker's local network route.
 */
export interface Supervisor {
  readonly url: string;
  /** The session token the engine and the local network route require. */
  readonly token: string;
  /** The Worker bindings that turn the local engine on, pointing at this supervisor. */
  readonly bindings: Readonly<Record<string, string>>;
  /** Where the Worker listens (Miniflare's URL), for the children's bus URL. */
  setWorkerUrl(url: string): void;
  /** How many times each instance (by container id) was started. */
  starts(): ReadonlyMap<string, number>;
  /** Whether the last start of a container id allowed internet access (the start option; the engine sends true when not given). */
  internet(id: string): boolean | null | undefined;
  /** The live child of a container id (for kill -9 from the test). */
  pid(id: string): number | undefined;
  kill(id: string, signal: NodeJS.Signals): void;
  close(): Promise<void>;
}

interface Child {
  readonly process: ChildProcess;
  readonly port: number;
  readonly generation: number;
  readonly exited: Promise<{ code: number }>;
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

const SIGNAL_NUMBERS: Readonly<Record<string, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

async function body(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text === "" ? {} : JSON.parse(text);
}

function json(response: ServerResponse, status: number, value: unknown) {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(value));
}

export async function startSupervisor(options: {
  /** The container image's command: argv for `node` (e.g. the runtime bin and the app module). */
  readonly args: readonly string[];
  readonly onOutput?: (line: string) => void;
}): Promise<Supervisor> {
  const token = randomBytes(32).toString("hex");
  const children = new Map<string, Child>();
  const starts = new Map<string, number>();
  const internet = new Map<string, boolean | null>();
  let workerUrl = "";

  const start = async (id: string, env: Record<string, string>): Promise<Child> => {
    const port = await freePort();
    const generation = (starts.get(id) ?? 0) + 1;
    starts.set(id, generation);
    const bus = new URL(env.FLOWS_BUS_URL ?? "http://bus.flows.internal/bus");
    const child = spawn(process.execPath, [...options.args], {
      env: {
        PATH: process.env.PATH ?? "",
        ...env,
        PORT: String(port),
        // The platform would intercept this host; here the Worker's local network route hands
        // the request to the very same outbound handler.
        FLOWS_BUS_URL: localBusUrl(workerUrl, token, id, bus.toString()),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    for (const stream of [child.stdout, child.stderr]) {
      stream?.on("data", (chunk: Buffer) => {
        for (const line of chunk.toString().split("\n")) if (line !== "") options.onOutput?.(line);
      });
    }
    const exited = new Promise<{ code: number }>((resolve) => {
      child.on("exit", (code, signal) => {
        // Exit codes as a container engine reports them: 128 + signal number when killed.
        resolve({ code: code ?? 128 + (signal === null ? 0 : (SIGNAL_NUMBERS[signal] ?? 0)) });
      });
      child.on("error", () => resolve({ code: 127 }));
    });
    const entry = { process: child, port, generation, exited };
    children.set(id, entry);
    return entry;
  };

  const server: Server = createServer((request, response) => {
    void (async () => {
      // As `flows dev`'s supervisor: the engine must send the session's token.
      if (request.headers.authorization !== `Bearer ${token}`)
        return json(response, 401, { code: "ENGINE401", message: "no session token" });
      const url = new URL(request.url ?? "/", "http://supervisor");
      const [, action, id = ""] = url.pathname.split("/");
      const child = children.get(id);
      if (request.method === "POST" && action === "start") {
        const { env, enable_internet } = (await body(request)) as {
          env?: Record<string, string>;
          enable_internet?: boolean | null;
        };
        internet.set(id, enable_internet ?? null);
        const started = await start(id, env ?? {});
        return json(response, 200, { port: started.port, generation: started.generation });
      }
      if (request.method === "GET" && action === "wait") {
        const generation = Number(url.searchParams.get("generation"));
        if (child === undefined || child.generation !== generation) return json(response, 200, { code: 0 });
        return json(response, 200, await child.exited);
      }
      if (request.method === "POST" && action === "signal") {
        const { signo } = (await body(request)) as { signo?: number };
        if (child?.process.exitCode === null) child.process.kill(signo ?? 15);
        return json(response, 200, { ok: true });
      }
      json(response, 404, { code: "ENGINE404", message: `no supervisor route ${request.method} ${url.pathname}` });
    })().catch((error: unknown) => json(response, 500, { code: "ENGINE500", message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the supervisor has no port");

  return {
    url: `http://127.0.0.1:${address.port}`,
    token,
    bindings: { [LOCAL_ENGINE_BINDINGS.url]: `http://127.0.0.1:${address.port}`, [LOCAL_ENGINE_BINDINGS.token]: token },
    setWorkerUrl(url) {
      workerUrl = url.replace(/\/$/, "");
    },
    starts: () => starts,
    internet: (id) => internet.get(id),
    pid: (id) => {
      const child = children.get(id);
      return child?.process.exitCode === null && child.process.signalCode === null ? child.process.pid : undefined;
    },
    kill(id, signal) {
      children.get(id)?.process.kill(signal);
    },
    async close() {
      for (const child of children.values()) {
        if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill("SIGKILL");
      }
      await Promise.all([...children.values()].map((child) => child.exited));
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
