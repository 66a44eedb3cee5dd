import { preflight as capabilityPreflight, createCapabilityRegistry } from "@flows/caps";
import type { FlowIR } from "@flows/flow-ir";
import { createKernelWith, createMemoryJournal, systemClock, validatingFlowReader } from "@flows/kernel";
import { bindingNames, type FlowWorkerConfig, type ReadingConfig, type WorkerEnv } from "./config";
import { errorResponse, type RouteError } from "./envelope";
import { deliverEventBatch } from "./event-queue";
import { withFlowSources } from "./flow-sources";
import { createRoutes, type RouteExtension } from "./routes";
import { createRunObjectClass, type RemoteRuns } from "./run-object";
import { RUN_ORIGIN } from "./run-protocol";
import { unservedHints } from "./unserved-hints";

const NO_CAPABILITIES = createCapabilityRegistry([]);

/**
 * Everything a Worker needs to serve flows: `fetch`, `queue` and `scheduled` handlers and the
 * run Durable Object class to export. Add flows to an existing Worker in a few lines:
 *
 *   const flows = createFlowWorker({ flows: [orderFlow], nodes });
 *   export const FlowRunObject = flows.FlowRunObject;
 *   export default { fetch: flows.fetch, queue: flows.queue, scheduled: flows.scheduled };
 */
/** Retries of a failed queue message before it is dead-lettered. */
const DEFAULT_QUEUE_RETRIES = 3;

/** What a host built on top adds: runs placed elsewhere and routes of its own. */
export interface FlowWorkerExtensions {
  readonly remote?: RemoteRuns;
  readonly routes?: RouteExtension;
  /** A check of its own on the first request, after the capabilities' (e.g. a missing binding). */
  readonly preflight?: (env: WorkerEnv) => RouteError | undefined;
}

export function createFlowWorker<Env extends WorkerEnv>(
  given: FlowWorkerConfig<Env>,
  extensions: FlowWorkerExtensions = {},
) {
  return buildFlowWorker<Env>({ ...given, readFlow: validatingFlowReader }, extensions);
}

/** Reads each flow document the way `given.readFlow` says; the published entry trusts them. */
export function buildFlowWorker<Env extends WorkerEnv>(
  given: ReadingConfig<Env>,
  extensions: FlowWorkerExtensions = {},
) {
  const config = withFlowSources<Env, ReadingConfig<Env>>(given);
  const names = bindingNames(config as FlowWorkerConfig<never>);
  const flows = readFlows(config);

  // Checked once, on the first request, before any effect: the flows are valid and every
  // identifier has an implementation and every surface is supported here.
  let finding: RouteError | undefined | null = null;
  let env0: Env | undefined;
  // The finding is kept, not its response: a response belongs to the request it answers.
  const preflight = () => {
    if (finding === null) finding = checkOnce();
    return finding === undefined ? undefined : errorResponse(finding);
  };
  const checkOnce = (): RouteError | undefined => {
    const nodes = typeof config.nodes === "function" ? config.nodes(env0 as Env) : config.nodes;
    const probe = createKernelWith(
      {
        flows: config.flows,
        nodes,
        host: { journal: createMemoryJournal(), clock: systemClock, newId: () => "preflight", logger: () => {} },
      },
      config.readFlow,
    );
    // Capabilities first: a capability nobody provides, or a missing binding or secret, must
    // stop the Worker before any effect. A Worker that hands nodes their capabilities itself
    // (`capabilities`) answers for them.
    if (config.capabilities === undefined) {
      const registry = config.caps ?? NO_CAPABILITIES;
      const manifest = config.manifest ?? { capabilities: {} };
      for (const flow of flows) {
        const diagnostics = [
          ...unservedHints(flow, registry),
          ...capabilityPreflight({ flow, registry, manifest, env: env0 ?? {} }).diagnostics,
        ];
        const [first] = diagnostics;
        if (first !== undefined) {
          return {
            code: first.code,
            message: `flow "${flow.id}": ${first.message}`,
            details: { flow: flow.id, diagnostics },
          };
        }
      }
    }
    const own = extensions.preflight?.(env0 ?? {});
    if (own !== undefined) return own;
    for (const document of config.flows) {
      const id = (document as { id?: unknown } | null)?.id;
      const problem = probe.preflight(typeof id === "string" ? id : "");
      if (problem) return { code: problem.code, message: problem.message, details: problem.details };
    }
    return undefined;
  };

  const routes = createRoutes(config, flows, preflight, extensions.routes);

  /** A queue message's run is awaited (its outcome acks the message); a cron's runs start asynchronously. */
  const startRun = async (env: WorkerEnv, flow: string, payload: unknown, origin: "queue" | "cron") => {
    const wait = origin === "queue";
    const namespace = env[names.runs] as DurableObjectNamespace;
    const runId = crypto.randomUUID();
    const stub = namespace.get(namespace.idFromName(runId));
    const body = JSON.stringify({ flow, runId, payload, origin });
    return stub.fetch(`${RUN_ORIGIN}/${wait ? "invoke" : "start"}`, { method: "POST", body });
  };

  return {
    FlowRunObject: createRunObjectClass(config, extensions.remote),

    fetch(request: Request, env: Env): Promise<Response> {
      env0 ??= env;
      return routes(request, env);
    },

    /** Each message starts a run of the queue's flow: ack when it completes, retry with a delay otherwise. */
    async queue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
      env0 ??= env;
      if (config.eventQueues?.includes(batch.queue)) {
        await deliverEventBatch(batch, env[names.runs] as DurableObjectNamespace);
        return;
      }
      const binding = config.queues?.[batch.queue];
      for (const message of batch.messages) {
        if (binding === undefined) {
          console.log(JSON.stringify({ level: "error", message: "no flow bound to this queue", queue: batch.queue }));
          message.retry();
          continue;
        }
        const answer = await startRun(env, binding.flow, message.body, "queue");
        const outcome = (await answer.json()) as { status?: string; error?: { code?: string } };
        const fields = {
          queue: batch.queue,
          message_id: message.id,
          attempts: message.attempts,
          status: outcome.status,
        };
        console.log(
          JSON.stringify({
            level: outcome.status === "failed" ? "warn" : "info",
            message: "queue message run",
            ...fields,
          }),
        );
        if (outcome.status === "completed" || outcome.status === "halted" || outcome.status === "suspended") {
          message.ack();
          continue;
        }
        const retries = binding.maxRetries ?? DEFAULT_QUEUE_RETRIES;
        const deadLetter =
          binding.deadLetterQueue === undefined ? undefined : (env[binding.deadLetterQueue] as Queue | undefined);
        if (deadLetter !== undefined && message.attempts > retries) {
          // Out of retries: keep the message for people to look at, and stop redelivering it.
          await deadLetter.send(message.body);
          console.log(
            JSON.stringify({
              level: "warn",
              message: "queue message dead-lettered",
              ...fields,
              dead_letter_queue: binding.deadLetterQueue,
            }),
          );
          message.ack();
        } else {
          message.retry({ delaySeconds: binding.retryDelaySeconds ?? 5 });
        }
      }
    },

    /** Starts the flows bound to the firing cron expression as async runs. */
    async scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
      env0 ??= env;
      for (const flow of config.crons?.[controller.cron] ?? []) {
        ctx.waitUntil(startRun(env, flow, { cron: controller.cron, scheduled_time: controller.scheduledTime }, "cron"));
      }
    },
  };
}

/** The valid flows among the documents; an invalid one is reported by the preflight and by its runs. */
export function readFlows(config: Pick<ReadingConfig<never>, "flows" | "readFlow">): FlowIR[] {
  return config.flows.flatMap((document) => {
    const id = (document as { id?: unknown } | null)?.id;
    const read = config.readFlow(document, typeof id === "string" ? id : "", () => {});
    return "flow" in read ? [read.flow] : [];
  });
}
