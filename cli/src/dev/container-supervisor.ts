import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { join } from "node:path";
import { type ContainerProcess, startContainerProcess } from "./container-process";
import { localBusUrl } from "./local-engine-protocol";

/**
 * The local container engine of `flows dev`: workerd cannot spawn processes, so the Container
 * class's `ctx.container` (installed by `localContainers` in the Worker) asks this loopback
 * server to start, watch and signal one Node process per container instance, running the
 * container bundle `flows publish workers` puts in the image. Every request carries the
 * session's token; nothing else on the machine can start processes through it.
 */
export interface ContainerSupervisor {
  readonly url: string;
  readonly token: string;
  /** Where the Worker listens, for the processes' bus URL (known once workerd is up). */
  setWorkerUrl(url: string): void;
  /** Stops every process (SIGTERM, then SIGKILL after the grace period): before a reload, or at exit. */
  stopAll(): Promise<void>;
  close(): Promise<void>;
}

export interface SupervisorOptions {
  /** The container bundle, read at each start, so a rebuilt one is what the next start runs. */
  readonly bundle: string;
  /** Each instance's disk goes under here, emptied at every start. */
  readonly disksDir: string;
  /** A line about the engine itself (started, exited). */
  readonly note: (line: string) => void;
  /** A line the process printed, with its instance's name. */
  readonly output: (instance: string, line: string) => void;
  /** How long a stopped process may drain before SIGKILL (the runtime's own grace is 10 s). */
  readonly graceMs?: number;
}

interface Instance {
  readonly name: string;
  readonly process: ContainerProcess;
}

/** Errors as the Worker side reads them: data with a stable code. */
function fail(response: ServerResponse, status: number, code: string, message: string, retryable = false) {
  json(response, status, { code, message, details: {}, retryable });
}

function json(response: ServerResponse, status: number, value: unknown) {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(value));
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  const value: unknown = text === "" ? {} : JSON.parse(text);
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

const stringRecord = (value: unknown): Record<string, string> =>
  Object.fromEntries(
    Object.entries(typeof value === "object" && value !== null ? value : {}).filter(
      (entry): entry is [string, string] => typeof entry[1] === "string",
    ),
  );

export async function startContainerSupervisor(options: SupervisorOptions): Promise<ContainerSupervisor> {
  const token = randomBytes(32).toString("hex");
  const instances = new Map<string, Instance>();
  const generations = new Map<string, number>();
  let workerUrl = "";

  const start = async (id: string, name: string, env: Record<string, string>): Promise<Instance> => {
    const earlier = instances.get(id);
    // The class starts only what is not running; one still alive here is a leftover of a
    // workerd that restarted (a reload), never to be left next to the new one.
    if (earlier?.process.alive() === true) earlier.process.child.kill("SIGKILL");
    const generation = (generations.get(id) ?? 0) + 1;
    generations.set(id, generation);
    const process = await startContainerProcess({
      bundle: options.bundle,
      disk: join(options.disksDir, id),
      generation,
      env: {
        ...env,
        // Cloudflare intercepts the bus host's requests; here they go to the Worker's local
        // network route, which hands them to the same interception.
        FLOWS_BUS_URL: localBusUrl(workerUrl, token, id, env.FLOWS_BUS_URL ?? "http://bus.flows.internal/bus"),
      },
      onLine: (line) => options.output(name, line),
    });
    const instance = { name, process };
    instances.set(id, instance);
    options.note(`container ${name} started (pid ${process.child.pid ?? "?"}, start ${generation})`);
    void process.exited.then((code) => options.note(`container ${name} exited with code ${code}`));
    return instance;
  };

  const route = async (request: IncomingMessage, response: ServerResponse) => {
    if (request.headers.authorization !== `Bearer ${token}`)
      return fail(response, 401, "ENGINE401", "the local container engine answers only the Worker flows dev serves");
    const url = new URL(request.url ?? "/", "http://engine");
    const [, action = "", id = ""] = url.pathname.split("/");
    if (!/^[0-9a-f]{64}$/.test(id)) return fail(response, 400, "ENGINE400", `not a container id: "${id}"`);
    const instance = instances.get(id);
    if (request.method === "POST" && action === "start") {
      const body = await readJson(request);
      const name = typeof body.name === "string" && body.name !== "" ? body.name : id.slice(0, 12);
      const started = await start(id, name, stringRecord(body.env));
      return json(response, 200, { port: started.process.port, generation: started.process.generation });
    }
    if (request.method === "GET" && action === "wait") {
      const generation = Number(url.searchParams.get("generation"));
      // A start that is not the current one has ended as far as the class is concerned.
      if (instance === undefined || instance.process.generation !== generation) return json(response, 200, { code: 0 });
      return json(response, 200, { code: await instance.process.exited });
    }
    if (request.method === "POST" && action === "signal") {
      const { signo } = await readJson(request);
      if (instance?.process.alive() === true) instance.process.child.kill(typeof signo === "number" ? signo : 15);
      return json(response, 200, { signalled: instance?.process.alive() ?? false });
    }
    fail(response, 404, "ENGINE404", `no local container engine route ${request.method} ${url.pathname}`);
  };

  const server: Server = createServer((request, response) => {
    route(request, response).catch((error: unknown) =>
      fail(response, 500, "ENGINE500", error instanceof Error ? error.message : String(error), true),
    );
  });
  await new Promise<void>((resolveListen) => server.listen(0, "127.0.0.1", resolveListen));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the local container engine has no port");

  const stopAll = async () => {
    const live = [...instances.values()].filter((instance) => instance.process.alive());
    for (const instance of live) instance.process.child.kill("SIGTERM");
    const timer = setTimeout(() => {
      for (const instance of live) if (instance.process.alive()) instance.process.child.kill("SIGKILL");
    }, options.graceMs ?? 5_000);
    await Promise.all(live.map((instance) => instance.process.exited));
    clearTimeout(timer);
  };

  // Miniflare ends the process on SIGINT and SIGTERM itself (process.exit), before any cleanup
  // of ours can run; an exit handler is synchronous, so it can only send the signal.
  const onExit = () => {
    for (const instance of instances.values()) if (instance.process.alive()) instance.process.child.kill("SIGTERM");
  };
  process.once("exit", onExit);

  return {
    url: `http://127.0.0.1:${address.port}`,
    token,
    setWorkerUrl(url) {
      workerUrl = url.replace(/\/$/, "");
    },
    stopAll,
    async close() {
      process.off("exit", onExit);
      await stopAll();
      server.closeAllConnections();
      await new Promise((resolveClose) => server.close(resolveClose));
    },
  };
}
