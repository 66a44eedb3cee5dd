import { capCaller } from "@flows/caps/bus";
import type { KvListResult, KvProvider, KvPutOptions, KvValueType, KvWithMetadata } from "../api";
import { fromWire, toWire } from "./wire";

/** What the kv bus provider needs from a bus client. */
export interface BusCaller {
  call(method: string, params?: unknown): Promise<unknown>;
}

/**
 * KV in a container: every operation crosses the host command bus to the Worker, which serves
 * it from the real binding (`kvBusHandlers`). Arguments are checked here, by the capability
 * API, before they travel.
 */
export function createBusKvProvider(bus: BusCaller, options: Pick<KvProvider, "clock"> = {}): KvProvider {
  // Bus failures become CapErrors: a message over its limit is CAP413 naming the limit (details.bus BUS413).
  const calls = capCaller(bus);
  return {
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    get: async (key: string, type: KvValueType) => fromWire(await calls.call("kv.get", { key, type })),
    getWithMetadata: async (key: string, type: KvValueType) => {
      const answer = (await calls.call("kv.getWithMetadata", { key, type })) as { value: unknown; metadata: unknown };
      return { value: fromWire(answer.value), metadata: answer.metadata ?? null } as KvWithMetadata<unknown>;
    },
    put: async (key: string, value: string | Uint8Array, putOptions: KvPutOptions) => {
      await calls.call("kv.put", { key, value: toWire(value), options: putOptions });
    },
    delete: async (key: string) => {
      await calls.call("kv.delete", { key });
    },
    list: async (listOptions) => (await calls.call("kv.list", listOptions)) as KvListResult,
  };
}

/** The Worker side: bus methods served by a real KV provider. */
export function kvBusHandlers(provider: KvProvider): Readonly<Record<string, (params: unknown) => unknown>> {
  return {
    get: async (params) => {
      const { key, type } = params as { key: string; type: KvValueType };
      return toWire(await provider.get(key, type));
    },
    getWithMetadata: async (params) => {
      const { key, type } = params as { key: string; type: KvValueType };
      const found = await provider.getWithMetadata(key, type);
      return { value: toWire(found.value), metadata: found.metadata };
    },
    put: async (params) => {
      const { key, value, options } = params as { key: string; value: unknown; options: KvPutOptions };
      await provider.put(key, fromWire(value) as string | Uint8Array, options);
      return null;
    },
    delete: async (params) => {
      await provider.delete((params as { key: string }).key);
      return null;
    },
    list: (params) => provider.list(params as { prefix?: string; cursor?: string; limit: number }),
  };
}
