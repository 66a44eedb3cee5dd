import type { EffectId } from "@flows/caps";
import { capCaller } from "@flows/caps/bus";
import type { CasResult, DoProvider, LedgerEntry, Reservation } from "../api";

/** What the do bus provider needs from a bus client. */
export interface BusCaller {
  call(method: string, params?: unknown): Promise<unknown>;
}

/**
 * Durable Object state in a container: every operation crosses the host command bus to the
 * Worker, which serves it from the real Durable Object (`doBusHandlers`). There is no native
 * `update` (a function cannot cross the bus): the capability updates by compare-and-set.
 */
/** An effect id on the wire: snake_case, absent when the write is not recorded. */
const effectParam = (effect: EffectId | undefined) =>
  effect === undefined ? {} : { effect: { id: effect.id, ttl_ms: effect.ttlMs } };

function effectOf(params: Record<string, unknown>): EffectId | undefined {
  const effect = params.effect as { id?: unknown; ttl_ms?: unknown } | undefined;
  if (effect === undefined || effect === null) return undefined;
  return typeof effect.id === "string" && typeof effect.ttl_ms === "number"
    ? { id: effect.id, ttlMs: effect.ttl_ms }
    : undefined;
}

export function createBusDoProvider(bus: BusCaller, options: Pick<DoProvider, "clock"> = {}): DoProvider {
  // Bus failures become CapErrors: a message over its limit is CAP413 naming the limit (details.bus BUS413).
  const calls = capCaller(bus);
  return {
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    get: async (key) => ((await calls.call("do.get", { key })) as string | null) ?? undefined,
    put: async (key, json, effect) => {
      await calls.call("do.put", { key, json, ...effectParam(effect) });
    },
    delete: async (key, effect) => (await calls.call("do.delete", { key, ...effectParam(effect) })) as boolean,
    compareAndSet: async (key, expected, next, effect) =>
      (await calls.call("do.compareAndSet", {
        key,
        expected: expected ?? null,
        next,
        ...effectParam(effect),
      })) as CasResult,
    next: async (sequence, effect) => (await calls.call("do.next", { sequence, ...effectParam(effect) })) as number,
    reserve: async (key, owner, ttlMs) => (await calls.call("do.reserve", { key, owner, ttlMs })) as Reservation,
    complete: async (key, owner, resultJson, ttlMs) => {
      await calls.call("do.complete", { key, owner, resultJson, ttlMs });
    },
    release: async (key, owner) => {
      await calls.call("do.release", { key, owner });
    },
    lookup: async (key) => ((await calls.call("do.lookup", { key })) as LedgerEntry | null) ?? undefined,
  };
}

type Params = Record<string, unknown>;

/** The Worker side: bus methods served by a real Durable Object provider. */
export function doBusHandlers(provider: DoProvider): Readonly<Record<string, (params: unknown) => unknown>> {
  const p = (params: unknown) => params as Params;
  return {
    get: async (params) => (await provider.get(p(params).key as string)) ?? null,
    put: async (params) => {
      await provider.put(p(params).key as string, p(params).json as string, effectOf(p(params)));
      return null;
    },
    delete: (params) => provider.delete(p(params).key as string, effectOf(p(params))),
    compareAndSet: (params) =>
      provider.compareAndSet(
        p(params).key as string,
        (p(params).expected as string | null) ?? undefined,
        p(params).next as string,
        effectOf(p(params)),
      ),
    next: (params) => provider.next(p(params).sequence as string, effectOf(p(params))),
    reserve: (params) =>
      provider.reserve(p(params).key as string, p(params).owner as string, p(params).ttlMs as number),
    complete: async (params) => {
      const { key, owner, resultJson, ttlMs } = p(params) as {
        key: string;
        owner: string;
        resultJson: string;
        ttlMs: number;
      };
      await provider.complete(key, owner, resultJson, ttlMs);
      return null;
    },
    release: async (params) => {
      await provider.release(p(params).key as string, p(params).owner as string);
      return null;
    },
    lookup: async (params) => (await provider.lookup(p(params).key as string)) ?? null,
  };
}
