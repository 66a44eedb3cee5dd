/**
 * A container engine for local development: `ctx.container` backed by a process supervisor
 * that `flows dev` runs on loopback (workerd cannot spawn processes itself). It does for the
 * Container class what the platform does: starts the image's command (`node` on the container
 * bundle) with the start options' environment, reports it running, settles `monitor()` with its
 * exit code (so restarts and crash-loop protection work as deployed), signals it, forwards
 * `getTcpPort(port).fetch` to it and keeps the outbound interceptions the class installs, which
 * the Worker's local network route (./local-containers) hands the process's bus requests to.
 */

/** Worker bindings `flows dev` sets when it runs containers itself. */
export const LOCAL_ENGINE_BINDINGS = {
  /** The supervisor's loopback URL. */
  url: "FLOWS_LOCAL_CONTAINERS",
  /** A per-session secret: the supervisor and the local network route answer nothing without it. */
  token: "FLOWS_LOCAL_CONTAINERS_TOKEN",
} as const;

/** Where the process's requests to an intercepted host arrive at the Worker: `<prefix>/<token>/<id>/<host><path>`. */
export const LOCAL_NETWORK_PREFIX = "/__flows/local-network";

export interface LocalEngineSettings {
  readonly url: string;
  readonly token: string;
}

export interface LocalEngine {
  /** A request the process sent to `host`, handed to the interception installed for it. */
  egress(host: string, request: Request): Promise<Response>;
}

/** The engine settings from the Worker's env, when `flows dev` gave them. */
export function localEngineSettings(env: unknown): LocalEngineSettings | undefined {
  if (typeof env !== "object" || env === null) return undefined;
  const url = (env as Record<string, unknown>)[LOCAL_ENGINE_BINDINGS.url];
  const token = (env as Record<string, unknown>)[LOCAL_ENGINE_BINDINGS.token];
  if (typeof url !== "string" || typeof token !== "string" || url === "" || token === "") return undefined;
  return { url: url.replace(/\/$/, ""), token };
}

interface Started {
  readonly port: number;
  readonly generation: number;
  readonly exited: Promise<number>;
}

/**
 * Defines `ctx.container` on the Durable Object state; call it before the Container class's
 * constructor reads it. Each start is one supervised process; its exit ends that start only.
 */
export function installLocalEngine(ctx: DurableObjectState, settings: LocalEngineSettings): LocalEngine {
  const id = ctx.id.toString();
  const intercepts = new Map<string, Fetcher>();
  let running = false;
  let current: Promise<Started> | undefined;

  const supervisor = async (path: string, init: RequestInit = {}): Promise<Record<string, unknown>> => {
    const response = await fetch(`${settings.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${settings.token}`, "content-type": "application/json" },
    });
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) {
      const error = typeof body.message === "string" ? body.message : `answered ${response.status}`;
      throw new Error(`local container engine ${path}: ${error}`);
    }
    return body;
  };

  const container: Container = {
    get running() {
      return running;
    },
    start(options?: ContainerStartupOptions) {
      // What the platform says too: the library must not start a second process.
      if (running) throw new Error("start() cannot be called on a container that is already running.");
      running = true;
      const started = supervisor(`/start/${id}`, {
        method: "POST",
        body: JSON.stringify({
          name: ctx.id.name ?? null,
          env: options?.env ?? {},
          enable_internet: options?.enableInternet ?? true,
        }),
      }).then((answer) => {
        const port = Number(answer.port);
        const generation = Number(answer.generation);
        const exited = supervisor(`/wait/${id}?generation=${generation}`).then((exit) => Number(exit.code));
        void exited
          .catch(() => {})
          .finally(() => {
            if (current === started) running = false;
          });
        return { port, generation, exited };
      });
      current = started;
      started.catch(() => {
        if (current === started) running = false;
      });
    },
    async monitor() {
      const run = current;
      if (run === undefined) return;
      const code = await (await run).exited;
      if (current === run) running = false;
      // The platform's wording, which the library reads the exit code from.
      if (code !== 0) throw new Error(`container exited with unexpected exit code: ${code}`);
    },
    async destroy() {
      if (!running) return;
      container.signal(9);
      await container.monitor().catch(() => {});
    },
    signal(signo: number) {
      void supervisor(`/signal/${id}`, { method: "POST", body: JSON.stringify({ signo }) }).catch(() => {});
    },
    getTcpPort(): Fetcher {
      const forward = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
        const run = current;
        if (!running || run === undefined) throw new Error("the container is not listening (not running)");
        const { port } = await run;
        const request = new Request(input, init);
        const url = new URL(request.url);
        try {
          return await fetch(new Request(`http://127.0.0.1:${port}${url.pathname}${url.search}`, request));
        } catch (error) {
          // The platform's two messages, which the library tells apart: not up yet, or gone mid-request.
          throw new Error(
            running ? `the container is not listening (${error})` : `Network connection lost. (${error})`,
          );
        }
      };
      return {
        fetch: forward,
        connect: () => {
          throw new Error("the local container engine forwards HTTP only");
        },
      } as unknown as Fetcher;
    },
    async setInactivityTimeout() {},
    async interceptOutboundHttp(host: string, fetcher: Fetcher) {
      intercepts.set(host, fetcher);
    },
    async interceptAllOutboundHttp(fetcher: Fetcher) {
      intercepts.set("*", fetcher);
    },
    async interceptOutboundHttps(host: string, fetcher: Fetcher) {
      intercepts.set(host, fetcher);
    },
    snapshotDirectory() {
      throw new Error("directory snapshots need a real container engine (flows dev --container-engine docker)");
    },
    snapshotContainer() {
      throw new Error("container snapshots need a real container engine (flows dev --container-engine docker)");
    },
  };
  Object.defineProperty(ctx, "container", { value: container, configurable: true });

  return {
    async egress(host, request) {
      const fetcher = intercepts.get(host) ?? intercepts.get("*");
      if (fetcher === undefined) return new Response("Origin is disallowed", { status: 520 });
      return fetcher.fetch(request);
    },
  };
}
