import { describe, expect, it } from "vitest";
import { retryDelayMs } from "./backoff";
import { createBusClient } from "./client";

describe("bus retry backoff", () => {
  it("doubles from the base, caps at the maximum, and keeps half of each wait fixed", () => {
    const low = () => 0;
    const high = () => 0.999_999;
    expect([0, 1, 2, 3, 4, 5, 6].map((retry) => retryDelayMs(retry, low))).toEqual([25, 50, 100, 200, 400, 800, 1000]);
    expect([0, 1, 2, 3, 4, 5, 6].map((retry) => retryDelayMs(retry, high))).toEqual([
      50, 100, 200, 400, 800, 1600, 2000,
    ]);
    expect(retryDelayMs(30, high, { baseMs: 10, maxMs: 300 })).toBe(300);
    // Out-of-range draws are clamped: a bad random source cannot make a wait negative or unbounded.
    expect(retryDelayMs(0, () => -5)).toBe(25);
    expect(retryDelayMs(0, () => 7)).toBe(50);
  });

  it("waits the schedule between retries of an idempotent call, with the injected random and sleep", async () => {
    const waits: number[] = [];
    const draws = [0, 0.5, 1];
    let sent = 0;
    const client = createBusClient({
      send: (line) => {
        sent += 1;
        const { id } = JSON.parse(line) as { id: string };
        queueMicrotask(() =>
          client.receive(JSON.stringify({ id, error: { code: "CAP503", message: "down", retryable: true } })),
        );
      },
      idempotent: new Set(["kv.get"]),
      retries: 3,
      backoff: { baseMs: 100, maxMs: 350 },
      random: () => draws.shift() ?? 0,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    await expect(client.call("kv.get", { key: "a" })).rejects.toMatchObject({ code: "CAP503" });
    expect(sent).toBe(4);
    expect(waits).toEqual([50, 150, 350]);
  });

  it("does not retry calls that are not idempotent, nor answers that are not retryable", async () => {
    const waits: number[] = [];
    let sent = 0;
    const client = createBusClient({
      send: (line) => {
        sent += 1;
        const { id, method } = JSON.parse(line) as { id: string; method: string };
        const retryable = method === "kv.put";
        queueMicrotask(() => client.receive(JSON.stringify({ id, error: { code: "X", message: "no", retryable } })));
      },
      idempotent: new Set(["kv.get"]),
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    await expect(client.call("kv.put", {})).rejects.toMatchObject({ code: "X" });
    await expect(client.call("kv.get", {})).rejects.toMatchObject({ code: "X" });
    expect(sent).toBe(2);
    expect(waits).toEqual([]);
  });

  it("stops waiting when the call is cancelled", async () => {
    const controller = new AbortController();
    const client = createBusClient({
      send: (line) => {
        const { id } = JSON.parse(line) as { id: string };
        queueMicrotask(() =>
          client.receive(JSON.stringify({ id, error: { code: "BUS503", message: "down", retryable: true } })),
        );
      },
      idempotent: new Set(["kv.get"]),
      sleep: (_ms, signal) =>
        new Promise((_, reject) => {
          controller.abort();
          reject(signal?.reason);
        }),
    });
    await expect(client.call("kv.get", {}, { signal: controller.signal })).rejects.toMatchObject({ code: "BUS499" });
  });
});
