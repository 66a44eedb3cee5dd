import type { Container } from "@cloudflare/containers";
import type { ManifestLike } from "@flows/caps";
import type { WorkerEnv } from "../config";
import type { ProjectFlowConfig, ProjectWorker } from "../project-worker";
import type { FlowContainerClass } from "./container-class";
import { installLocalEngine, LOCAL_NETWORK_PREFIX, type LocalEngine, localEngineSettings } from "./local-engine";
import { containers } from "./project-containers";
import { containerSettings } from "./settings";

/** An instance's local network entry point, as the route below calls it. */
interface LocalEgress {
  localEgress(host: string, request: Request): Promise<Response>;
}

const NETWORK_ROUTE = new RegExp(`^${LOCAL_NETWORK_PREFIX}/([^/]+)/([0-9a-f]{64})/([^/]+)(/.*)?$`);

/**
 * `containers` for `flows dev`: the same Container class, restart policy, crash-loop protection
 * and bus, with each instance's process run by the local engine `flows dev` supervises instead
 * of the platform's. The process reaches the bus host through the Worker's local network route,
 * which stands where Cloudflare's egress interception does: the request goes to the very
 * outbound handler the class installed. Without the engine's bindings it is plain `containers`.
 */
export function localContainers<Env extends WorkerEnv>(config: ProjectFlowConfig<Env>): ProjectWorker<Env> {
  return withLocalEngine(containers(config), config.manifest);
}

/**
 * The same for a project Worker already built with `containers` (its manifest gives the
 * container binding): the tests run published Workers this way, on the engine `flows dev` uses.
 */
export function withLocalEngine<Env extends WorkerEnv>(
  built: ProjectWorker<Env>,
  manifest: ManifestLike,
): ProjectWorker<Env> {
  const settings = containerSettings(manifest);
  const Base = built.FlowContainer;
  if (Base === undefined || settings === undefined) return built;

  class LocalFlowContainer<E = unknown> extends Base<E> implements LocalEgress {
    readonly #engine: LocalEngine | undefined;

    constructor(ctx: ConstructorParameters<typeof Container>[0], env: E) {
      // Before the library's constructor, which reads `ctx.container` once.
      const engineSettings = localEngineSettings(env);
      const engine = engineSettings === undefined ? undefined : installLocalEngine(ctx, engineSettings);
      super(ctx, env);
      this.#engine = engine;
    }

    async localEgress(host: string, request: Request): Promise<Response> {
      if (this.#engine === undefined) return new Response("no local container engine", { status: 404 });
      return this.#engine.egress(host, request);
    }
  }
  // The library keys its outbound handlers by class name: keep the exported one.
  Object.defineProperty(LocalFlowContainer, "name", { value: Base.name });
  const FlowContainer: FlowContainerClass = LocalFlowContainer;

  const binding = settings.binding;
  return {
    ...built,
    FlowContainer,
    async fetch(request: Request, env: Env, ctx?: ExecutionContext): Promise<Response> {
      const engine = localEngineSettings(env);
      const match = engine === undefined ? null : NETWORK_ROUTE.exec(new URL(request.url).pathname);
      if (engine === undefined || match === null) return built.fetch(request, env, ctx);
      const [, token = "", id = "", host = "", path = "/"] = match;
      // Only the processes this session started know the token.
      if (token !== engine.token) return new Response("not found", { status: 404 });
      const namespace = env[binding] as DurableObjectNamespace;
      const instance = namespace.get(namespace.idFromString(id)) as unknown as LocalEgress;
      const url = new URL(request.url);
      return instance.localEgress(host, new Request(`http://${host}${path}${url.search}`, request));
    },
  };
}
