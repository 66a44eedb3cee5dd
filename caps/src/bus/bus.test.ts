import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { createBusClient } from "./client";
import { createBusDispatcher } from "./dispatcher";

const store = new Map<string, unknown>();
const handlers = {
  kv: {
    get: (params: unknown) => store.get((params as { key: string }).key) ?? null,
    put: (params: unknown) => {
      const { key, value } = params as { key: string; value: unknown };
      store.set(key, value);
      return null;
    },
    fail: () => {
      throw Object.assign(new Error("backend down"), { code: "CAP503", retryable: true });
    },
  },
  do: { get: () => 1 },
};

/** Client and dispatcher joined by an in-memory channel that answers in random order. */
function pair(options: { shuffle?: boolean; idempotent?: string[]; maxInFlight?: number } = {}) {
  const dispatcher = createBusDispatcher({ handlers, allowed: new Set(["kv"]) });
  const queue: string[] = [];
  const sent: string[] = [];
  const client = createBusClient({
    send: (line) => {
      sent.push(line);
      queue.push(line);
    },
    timeoutMs: 200,
    queueTimeoutMs: 50,
    maxInFlight: options.maxInFlight ?? 64,
    idempotent: new Set(options.idempotent ?? []),
    // Retries go on at once: the backoff schedule has its own tests (backoff.test.ts).
    sleep: async () => {},
  });
  const pump = async () => {
    // Calls send after a microtask or two: let them.
    await new Promise((resolve) => setTimeout(resolve, 0));
    while (queue.length > 0) {
      const batch = queue.splice(0);
      if (options.shuffle) batch.reverse();
      const replies = await Promise.all(batch.map((line) => dispatcher.handle(line.trimEnd())));
      for (const line of replies) if (line !== undefined) client.receive(line.trimEnd());
    }
  };
  return { client, dispatcher, pump, sent };
}

describe("host command bus", () => {
  it("matches answers to calls by id, in any order", async () => {
    const { client, pump } = pair({ shuffle: true });
    const put = client.call("kv.put", { key: "a", value: 1 });
    await pump();
    await put;
    const calls = Array.from({ length: 50 }, (_, index) => client.call("kv.get", { key: index % 2 ? "a" : "none" }));
    await pump();
    expect(await Promise.all(calls)).toEqual(Array.from({ length: 50 }, (_, index) => (index % 2 ? 1 : null)));
  });

  it("answers malformed frames, unknown methods, undeclared capabilities and duplicate ids with codes", async () => {
    const dispatcher = createBusDispatcher({ handlers, allowed: new Set(["kv"]) });
    const code = async (line: string) =>
      (JSON.parse((await dispatcher.handle(line)) ?? "{}") as { error?: { code: string } }).error?.code;
    expect(await code("{not json")).toBe("BUS400");
    expect(await code("[1,2]")).toBe("BUS400");
    expect(await code('{"id":"1"}')).toBe("BUS400");
    expect(await code('{"id":"1","method":"kv.nope"}')).toBe("BUS404");
    expect(await code('{"id":"1","method":"do.get"}')).toBe("CAP403");
    expect(await dispatcher.handle('{"id":"9","cancel":true}')).toBeUndefined();
    const slow = createBusDispatcher({
      handlers: { kv: { get: () => new Promise((resolve) => setTimeout(() => resolve(1), 10)) } },
      allowed: new Set(["kv"]),
    });
    const [first, second] = await Promise.all([
      slow.handle('{"id":"d","method":"kv.get"}'),
      slow.handle('{"id":"d","method":"kv.get"}'),
    ]);
    expect(JSON.parse(second ?? "{}")).toMatchObject({ error: { code: "BUS409" } });
    expect(JSON.parse(first ?? "{}")).toEqual({ id: "d", result: 1 });
  });

  it("times out, refuses when busy, cancels, and retries only idempotent methods", async () => {
    const silent = createBusClient({ send: () => {}, timeoutMs: 60, maxInFlight: 1, queueTimeoutMs: 5 });
    const first = silent.call("kv.get", {}).catch((error: unknown) => error);
    const second = silent.call("kv.get", {}).catch((error: unknown) => error);
    expect(await second).toMatchObject({ code: "BUS429", retryable: true });
    expect(await first).toMatchObject({ code: "BUS408" });
    const controller = new AbortController();
    const cancelled = silent.call("kv.get", {}, { signal: controller.signal, timeoutMs: 1_000 });
    controller.abort();
    await expect(cancelled).rejects.toMatchObject({ code: "BUS499" });
    expect(silent.inFlight).toBe(0);

    const flaky = pair({ idempotent: ["kv.fail"] });
    const retried = flaky.client.call("kv.fail").catch((error: unknown) => error);
    for (let round = 0; round < 3; round += 1) await flaky.pump();
    expect(await retried).toMatchObject({ code: "CAP503" });
    expect(flaky.sent.filter((line) => line.includes("kv.fail"))).toHaveLength(3);
    const once = pair();
    const notRetried = once.client.call("kv.fail").catch((error: unknown) => error);
    await once.pump();
    expect(await notRetried).toMatchObject({ code: "CAP503" });
    expect(once.sent.filter((line) => line.includes("kv.fail"))).toHaveLength(1);
  });

  it("keeps every call's own deadline with one timer, and no timer once nothing is in flight", async () => {
    vi.useFakeTimers();
    try {
      const sent: string[] = [];
      const client = createBusClient({ send: (line) => sent.push(line), timeoutMs: 1_000 });
      const outcome = (call: Promise<unknown>) =>
        call.then(
          () => "answered",
          (error: { code: string }) => error.code,
        );
      const long = outcome(client.call("kv.get", { key: "long" }));
      const short = outcome(client.call("kv.get", { key: "short" }, { timeoutMs: 100 }));
      const answered = outcome(client.call("kv.get", { key: "answered" }, { timeoutMs: 50 }));
      expect(vi.getTimerCount()).toBe(1);
      client.receive(`{"id":"c3","result":1}`);
      await vi.advanceTimersByTimeAsync(99);
      expect(client.inFlight).toBe(2);
      await vi.advanceTimersByTimeAsync(1);
      expect(await short).toBe("BUS408");
      expect(client.inFlight).toBe(1);
      // The expired call's cancel went to the peer; the long one is still waiting.
      expect(sent.at(-1)).toBe('{"id":"c2","cancel":true}\n');
      await vi.advanceTimersByTimeAsync(899);
      expect(client.inFlight).toBe(1);
      await vi.advanceTimersByTimeAsync(1);
      expect([await long, await answered]).toEqual(["BUS408", "answered"]);
      expect(vi.getTimerCount()).toBe(0);
      const last = outcome(client.call("kv.get", { key: "last" }));
      client.receive(`{"id":"c4","result":null}`);
      expect(await last).toBe("answered");
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("never crashes on arbitrary frames: every line gets a coded answer or none", async () => {
    const dispatcher = createBusDispatcher({ handlers, allowed: new Set(["kv"]) });
    const client = createBusClient({ send: () => {} });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((value) => JSON.stringify(value)),
        ),
        async (line) => {
          client.receive(line);
          const answer = await dispatcher.handle(line);
          if (answer === undefined) return;
          const parsed = JSON.parse(answer) as { result?: unknown; error?: { code: string } };
          expect("result" in parsed || typeof parsed.error?.code === "string").toBe(true);
        },
      ),
      { numRuns: 1_000, seed: 6 },
    );
  });
});
