import { getContainer } from "@cloudflare/containers";
import type { CapabilityRegistry } from "@flows/caps";
import type { FlowsMeta } from "@flows/caps/bus";
import type { FlowIR, NodeIR } from "@flows/flow-ir";
import type { NodeImplementation, NodeRegistry, RunMetadata, RunOutcome } from "@flows/kernel";
import type { WorkerEnv } from "../config";
import type { InvokeRequest } from "../run-protocol";
import type { ContainerAnswer, ContainerInstance } from "./container-class";
import type { ContainerSettings } from "./settings";

/** Metadata field naming the container instance a run uses (from `?container_key=`). */
export const CONTAINER_KEY_FIELD = "container_key";

interface Failure {
  readonly error?: unknown;
  readonly code?: unknown;
  readonly details?: { readonly retryable?: unknown } & Record<string, unknown>;
}

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/** The `x-flows-meta` facts of a run, from the metadata the Worker recorded for it. */
export function metaFor(runId: string, flowId: string, metadata: Readonly<Record<string, unknown>> = {}): FlowsMeta {
  const colo = text(metadata.colo);
  const country = text(metadata.country);
  const clientIp = text(metadata.client_ip);
  return {
    run_id: runId,
    flow_id: flowId,
    ...(colo === undefined ? {} : { colo }),
    ...(country === undefined ? {} : { country }),
    ...(clientIp === undefined ? {} : { client_ip: clientIp }),
  };
}

/** A container's error answer as the coded failure the kernel and the client see. */
function failureOf(answer: ContainerAnswer): {
  code: string;
  message: string;
  retryable: boolean;
  details: Readonly<Record<string, unknown>>;
} {
  const body = (answer.body ?? {}) as Failure;
  return {
    code: text(body.code) ?? "CONTAINER_UNAVAILABLE",
    message: text(body.error) ?? `the container answered ${answer.status}`,
    retryable: body.details?.retryable === true,
    details: body.details ?? {},
  };
}

/**
 * Where each part of a project runs: node identifiers in `container.nodes` become calls to the
 * container's `/node` inside the Worker's own run (one run, one journal), and flows in
 * `container.flows` run whole through `/run`, journaling over the bus into the same run object.
 */
export function createPlacement(settings: ContainerSettings, flows: readonly FlowIR[], registry: CapabilityRegistry) {
  const flowsById = new Map(flows.map((flow) => [flow.id, flow]));
  const containerFlows = new Set(settings.flows);

  const capabilitiesOf = (nodes: readonly NodeIR[]): string[] => [
    ...new Set(
      nodes.flatMap((node) =>
        [...node.effectHints, ...node.determinismHints].flatMap((hint) => registry.capabilitiesForHint(hint)),
      ),
    ),
  ];

  /** A run's key names its instance; otherwise one of `instances` at random (as `getRandom` does). */
  const instanceFor = (env: WorkerEnv, key: unknown): { name: string; stub: ContainerInstance } => {
    const name = text(key) ?? `instance-${Math.floor(Math.random() * settings.instances)}`;
    const namespace = env[settings.binding] as DurableObjectNamespace | undefined;
    if (namespace === undefined) {
      throw Object.assign(new Error(`the Durable Object binding ${settings.binding} of the container is missing`), {
        code: "DAG203",
      });
    }
    return { name, stub: getContainer(namespace as never, name) as unknown as ContainerInstance };
  };

  const nodeProxy =
    (env: WorkerEnv): NodeImplementation =>
    async (input, ctx) => {
      const run: RunMetadata = ctx.run;
      const node = flowsById.get(run.flow_id)?.nodes.find((candidate) => candidate.alias === ctx.node);
      const { name, stub } = instanceFor(env, run[CONTAINER_KEY_FIELD]);
      const answer = await stub.call({
        path: "/node",
        instance: name,
        meta: metaFor(run.run_id, run.flow_id, run),
        body: {
          flow: run.flow_id,
          node: ctx.node,
          input,
          attempt: ctx.attempt,
          ...(ctx.idempotencyKey === undefined ? {} : { idempotency_key: ctx.idempotencyKey }),
        },
        capabilities: node === undefined ? [] : capabilitiesOf([node]),
        journal: false,
        // The kernel's own rule for repeating a node: effectful ones only with an idempotency key.
        replaySafe: node?.effects !== "effectful" || ctx.idempotencyKey !== undefined,
      });
      if (answer.status === 200) return (answer.body as { output?: unknown } | null)?.output ?? null;
      const failure = failureOf(answer);
      throw Object.assign(new Error(failure.message), failure);
    };

  return {
    isContainerFlow: (flowId: string) => containerFlows.has(flowId),

    /**
     * The project's registry with every container node identifier pointing at the container.
     * Nodes of flows that run whole in the container need no Worker implementation; they get
     * one that says where they run, so the Worker's preflight does not report them missing.
     */
    nodes(env: WorkerEnv, own: NodeRegistry): NodeRegistry {
      const proxy = nodeProxy(env);
      const elsewhere: Record<string, NodeImplementation> = {};
      for (const flowId of containerFlows) {
        for (const node of flowsById.get(flowId)?.nodes ?? []) {
          if (own[node.identifier] !== undefined) continue;
          elsewhere[node.identifier] = () => {
            throw Object.assign(new Error(`node "${node.identifier}" runs in the container with flow "${flowId}"`), {
              code: "IMPL001",
            });
          };
        }
      }
      return { ...elsewhere, ...own, ...Object.fromEntries(settings.nodes.map((identifier) => [identifier, proxy])) };
    },

    /** Runs a whole flow in the container; a second call with the same run id replays its journal. */
    async run(env: WorkerEnv, invocation: InvokeRequest): Promise<RunOutcome> {
      const flow = flowsById.get(invocation.flow);
      const { name, stub } = instanceFor(env, invocation.metadata?.[CONTAINER_KEY_FIELD]);
      const answer = await stub.call({
        path: "/run",
        instance: name,
        meta: metaFor(invocation.runId, invocation.flow, invocation.metadata),
        body: {
          flow: invocation.flow,
          payload: invocation.payload ?? null,
          ...(invocation.trigger === undefined ? {} : { trigger: invocation.trigger }),
          ...(invocation.capture === undefined ? {} : { capture: invocation.capture }),
          ...(invocation.timeoutMs === undefined ? {} : { deadline_ms: invocation.timeoutMs }),
        },
        capabilities: flow === undefined ? [] : capabilitiesOf(flow.nodes),
        journal: true,
        replaySafe: true,
      });
      const base = { runId: invocation.runId, flow: invocation.flow };
      if (answer.status === 200) return { ...(answer.body as RunOutcome), ...base };
      const failure = failureOf(answer);
      return {
        ...base,
        status: "failed",
        error: {
          code: failure.code,
          message: failure.message,
          retryable: failure.retryable,
          details: failure.details,
        },
      };
    },

    /** Instances the status routes list: every random-choice instance and the always_on names. */
    knownInstances: (): string[] => [
      ...new Set([
        ...Array.from({ length: settings.instances }, (_, index) => `instance-${index}`),
        ...settings.alwaysOn,
      ]),
    ],

    instance: (env: WorkerEnv, name: string) => instanceFor(env, name).stub,
  };
}

export type Placement = ReturnType<typeof createPlacement>;
