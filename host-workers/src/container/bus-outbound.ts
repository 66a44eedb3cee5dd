import type { OutboundHandler, OutboundHandlerContext } from "@cloudflare/containers";
import type { DoProvider } from "@flows/cap-do";
import { doBusHandlers, doBusLimits } from "@flows/cap-do/bus";
import type { KvProvider } from "@flows/cap-kv";
import { kvBusHandlers, kvBusLimits } from "@flows/cap-kv/bus";
import type { QueueProvider } from "@flows/cap-queue";
import { queueBusHandlers, queueBusLimits } from "@flows/cap-queue/bus";
import type { R2Provider } from "@flows/cap-r2";
import { r2BusHandlers, r2BusLimits } from "@flows/cap-r2/bus";
import { boundCapabilities, type CapabilityRegistry, type ManifestLike, resolveProviders } from "@flows/caps";
import {
  type BusHandlers,
  type BusStaging,
  createBusDispatcher,
  createBusStaging,
  FLOWS_META_HEADER,
  JOURNAL_MESSAGE_LIMITS,
  type JournalPage,
  journalBusHandlers,
  type MessageLimits,
  type PagedJournalStore,
  parseFlowsMeta,
  serveBusOverHttp,
} from "@flows/caps/bus";
import type { JournalEntry } from "@flows/kernel";
import type { WorkerEnv } from "../config";
import { errorResponse } from "../envelope";
import type { FlowContainerObject } from "./container-class";
import type { ContainerInstance } from "./container-types";

/** The journal methods a run's Durable Object serves to the bus (RPC). */
export interface RunJournalRpc {
  journalRead(runId: string): Promise<readonly JournalEntry[]>;
  journalReadPage(runId: string, from: number, maxUnits: number): Promise<JournalPage>;
  journalAppend(runId: string, entries: readonly JournalEntry[]): Promise<void>;
  journalList(): Promise<readonly string[]>;
}

/** Worker-side bus handlers for each capability, over the provider the manifest binds. */
const HANDLERS: Readonly<Record<string, (provider: never) => BusHandlers[string]>> = {
  kv: (provider: KvProvider) => kvBusHandlers(provider),
  do: (provider: DoProvider) => doBusHandlers(provider),
  queue: (provider: QueueProvider) => queueBusHandlers(provider),
  r2: (provider: R2Provider) => r2BusHandlers(provider),
};
/** The platform's limit behind each method: the same table the container's client checks. */
const MESSAGE_LIMITS: MessageLimits = {
  ...kvBusLimits,
  ...doBusLimits,
  ...queueBusLimits,
  ...r2BusLimits,
  ...JOURNAL_MESSAGE_LIMITS,
};
/** Capabilities whose handlers hold state across bus POSTs (r2 body streams): one set per container. */
const PER_CONTAINER: ReadonlySet<string> = new Set(["r2"]);

const refused = (message: string) =>
  Object.assign(new Error(message), { code: "CAP403", retryable: false }) as Error & { code: string };

/** One run's journal in its FlowRunObject, and no other run's. */
function runJournal(env: WorkerEnv, runsBinding: string, runId: string): PagedJournalStore {
  const namespace = env[runsBinding] as DurableObjectNamespace<RunJournalRpc & Rpc.DurableObjectBranded>;
  const run: RunJournalRpc = namespace.get(namespace.idFromName(runId));
  const only = (id: string) => {
    if (id !== runId) throw refused(`the bus serves the journal of run "${runId}" only, not "${id}"`);
  };
  return {
    read: async (id) => {
      only(id);
      return run.journalRead(id);
    },
    readPage: async (id, from, maxUnits) => {
      only(id);
      return run.journalReadPage(id, from, maxUnits);
    },
    append: async (id, entries) => {
      only(id);
      await run.journalAppend(id, entries);
    },
    list: () => run.journalList(),
  };
}

export interface BusOutboundOptions {
  readonly registry: CapabilityRegistry;
  readonly manifest: ManifestLike;
  readonly containerBinding: string;
  readonly runsBinding: string;
}

/**
 * The handler behind `outboundByHost[BUS_HOST]`: the container's bus POSTs arrive here, in the
 * Worker, and are served from the Worker's own bindings. Only a run the instance is serving
 * right now is answered, with only the capabilities that run's flow (or node) declared, and
 * its journal when the whole flow runs there. The container never holds a credential.
 */
export function createBusOutbound(options: BusOutboundOptions): OutboundHandler<WorkerEnv> {
  const providersByEnv = new WeakMap<object, Promise<ReadonlyMap<string, { readonly provider: unknown }>>>();
  const sharedByEnv = new WeakMap<object, Promise<BusHandlers>>();
  // Body streams span several POSTs, so their handlers live as long as the isolate does,
  // keyed by container: stream ids of one container never meet another's.
  const perContainer = new Map<string, BusHandlers>();
  // Messages too large for a frame arrive (and leave) in parts over several POSTs: one table
  // per container, like the r2 streams, bounded in bytes and dropping what idles.
  const staging = new Map<string, BusStaging>();
  const stagingOf = (containerId: string) => {
    let table = staging.get(containerId);
    if (table === undefined) {
      table = createBusStaging();
      staging.set(containerId, table);
    }
    return table;
  };

  const providers = (env: WorkerEnv) => {
    let resolved = providersByEnv.get(env);
    if (resolved === undefined) {
      resolved = resolveProviders({
        registry: options.registry,
        manifest: options.manifest,
        env,
        only: boundCapabilities(options.manifest).filter((name) => HANDLERS[name] !== undefined),
      }).catch((error: unknown) => {
        // A binding fixed by the next deploy or a transient failure must not stick.
        providersByEnv.delete(env);
        sharedByEnv.delete(env);
        throw error;
      });
      providersByEnv.set(env, resolved);
    }
    return resolved;
  };
  const handlersOf = (found: ReadonlyMap<string, { readonly provider: unknown }>, stateful: boolean) => {
    const served: Record<string, BusHandlers[string]> = {};
    for (const [name, { provider }] of found) {
      const handlersFor = HANDLERS[name];
      if (handlersFor !== undefined && PER_CONTAINER.has(name) === stateful)
        served[name] = handlersFor(provider as never);
    }
    return served;
  };
  const capabilityHandlers = async (env: WorkerEnv, containerId: string): Promise<BusHandlers> => {
    let shared = sharedByEnv.get(env);
    if (shared === undefined) {
      shared = providers(env).then((found) => handlersOf(found, false));
      sharedByEnv.set(env, shared);
    }
    let own = perContainer.get(containerId);
    if (own === undefined) {
      own = handlersOf(await providers(env), true);
      perContainer.set(containerId, own);
    }
    return { ...(await shared), ...own };
  };

  return async (request: Request, env: WorkerEnv, context: OutboundHandlerContext) => {
    const parsed = parseFlowsMeta(request.headers.get(FLOWS_META_HEADER));
    if (!parsed.ok) return errorResponse({ code: "META400", message: parsed.message }, 400);
    const { meta } = parsed;
    const namespace = env[options.containerBinding] as DurableObjectNamespace<FlowContainerObject>;
    const instance: ContainerInstance = namespace.get(namespace.idFromString(context.containerId));
    const grant = await instance.busGrant(meta.run_id);
    if (grant === null || grant.flow_id !== meta.flow_id) {
      return errorResponse(
        {
          code: "BUS403",
          message: `this container instance is not serving run "${meta.run_id}" of flow "${meta.flow_id}"`,
        },
        403,
      );
    }
    let handlers: BusHandlers;
    try {
      handlers = await capabilityHandlers(env, context.containerId);
    } catch (error) {
      const coded = error as { code?: unknown; message?: unknown };
      return errorResponse({
        code: typeof coded.code === "string" ? coded.code : "CAP101",
        message: typeof coded.message === "string" ? coded.message : String(error),
      });
    }
    const dispatcher = createBusDispatcher({
      handlers: { ...handlers, journal: journalBusHandlers(runJournal(env, options.runsBinding, meta.run_id)) },
      allowed: new Set([...grant.capabilities, ...(grant.journal ? ["journal"] : [])]),
      messageLimits: MESSAGE_LIMITS,
      staging: stagingOf(context.containerId),
    });
    return serveBusOverHttp(request, dispatcher);
  };
}
