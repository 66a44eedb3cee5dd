import { describe, expect, it } from "vitest";
import { createBusClient } from "./client";
import { createBusDispatcher } from "./dispatcher";
import type { MessageLimits } from "./limits";
import { createBusStaging } from "./staging";

const MIB = 1024 * 1024;
const limits: MessageLimits = {
  "kv.put": { bytes: 8 * MIB, limit: "a test KV value (8 MiB)" },
  "kv.get": { bytes: 8 * MIB, limit: "a test KV value (8 MiB)" },
};

/** A client and a dispatcher over an asynchronous in-memory channel; every line is recorded. */
function pair(options: { allowed?: string[] } = {}) {
  const store = new Map<string, unknown>();
  const staging = createBusStaging();
  const dispatcher = createBusDispatcher({
    handlers: {
      kv: {
        put: (params) => {
          const { key, value } = params as { key: string; value: unknown };
          store.set(key, value);
          return null;
        },
        get: async (params) => store.get((params as { key: string }).key) ?? null,
      },
    },
    allowed: new Set(options.allowed ?? ["kv"]),
    messageLimits: limits,
    staging,
  });
  const lines: string[] = [];
  const client = createBusClient({
    send: (line) => {
      lines.push(line);
      setTimeout(async () => {
        const answer = await dispatcher.respond(line.trimEnd());
        if (answer !== undefined) {
          lines.push(answer);
          client.receive(answer.trimEnd());
        }
      }, 0);
    },
    messageLimits: limits,
  });
  return { client, store, staging, lines };
}

const big = (mib: number) => "é".repeat((mib * MIB) / 2);

describe("messages larger than a frame", () => {
  it("carry 5 MiB params and a 5 MiB result in parts, every line under the frame cap", async () => {
    const { client, store, staging, lines } = pair();
    const value = big(5);
    await client.call("kv.put", { key: "a", value });
    expect(store.get("a")).toBe(value);
    expect(await client.call("kv.get", { key: "a" })).toBe(value);
    expect(Math.max(...lines.map((line) => Buffer.byteLength(line)))).toBeLessThan(1024 * 1024);
    expect(lines.filter((line) => line.includes('"bus.stage"')).length).toBe(21);
    expect(lines.filter((line) => line.includes('"bus.unstage"')).length).toBe(21);
    // Nothing is held once both are through.
    expect(staging.heldBytes).toBe(0);
  });

  it("keeps at most a window of parts unanswered, so neither side holds more than the message and 4 parts", async () => {
    const { client, lines } = pair();
    let unanswered = 0;
    let most = 0;
    const value = big(3);
    const put = client.call("kv.put", { key: "w", value });
    // Count parts sent but not yet answered, as the lines go by.
    const seen = new Set<string>();
    const answered = new Set<string>();
    while (!lines.some((line) => line.includes('"staged"'))) {
      for (const line of lines) {
        const frame = JSON.parse(line) as { id: string; method?: string };
        if (frame.method === "bus.stage") seen.add(frame.id);
        else if (frame.method === undefined && seen.has(frame.id)) answered.add(frame.id);
      }
      unanswered = seen.size - answered.size;
      most = Math.max(most, unanswered);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    await put;
    expect(seen.size).toBe(13);
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(4);
  });

  it("lets go of a half-sent message on the serving side when the call is cancelled", async () => {
    const { client, staging, lines } = pair();
    const controller = new AbortController();
    const put = client.call("kv.put", { key: "c", value: big(3) }, { signal: controller.signal });
    while (!lines.some((line) => line.includes('"result"'))) await new Promise((resolve) => setTimeout(resolve, 0));
    controller.abort();
    await expect(put).rejects.toMatchObject({ code: "BUS499" });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(lines.some((line) => line.includes('"bus.drop"'))).toBe(true);
    expect(staging.heldBytes).toBe(0);
  });

  it("refuses params over the method's limit with BUS413 naming it, before sending anything", async () => {
    const { client, lines } = pair();
    await expect(client.call("kv.put", { key: "a", value: big(9) })).rejects.toMatchObject({
      code: "BUS413",
      message: expect.stringContaining("a test KV value (8 MiB)"),
    });
    expect(lines).toEqual([]);
  });

  it("names the frame cap for a method that declares no larger messages", async () => {
    const { client } = pair();
    await expect(client.call("kv.delete", { key: "a", pad: big(2) })).rejects.toMatchObject({
      code: "BUS413",
      message: expect.stringContaining("kv.delete declares no larger messages"),
    });
  });

  it("refuses to stage for a capability the flow did not declare, at the first part", async () => {
    const { client, staging } = pair({ allowed: [] });
    await expect(client.call("kv.put", { key: "a", value: big(2) })).rejects.toMatchObject({ code: "CAP403" });
    expect(staging.heldBytes).toBe(0);
  });

  it("bounds what the table holds, drops idle messages and never serves another message's parts", () => {
    let now = 0;
    const staging = createBusStaging({ maxBytes: 10, idleMs: 100, now: () => now });
    const ok = () => undefined;
    const part = (stage: string, bytes: number, seq = 0) => ({
      stage,
      method: "kv.put",
      bytes,
      part_bytes: 4,
      seq,
      data: Buffer.alloc(Math.min(4, bytes - seq * 4)).toString("base64"),
    });
    staging.part(part("a", 8), ok);
    expect(() => staging.part(part("b", 8), ok)).toThrow(expect.objectContaining({ code: "BUS429", retryable: true }));
    expect(() => staging.take("a", "kv.put")).toThrow(expect.objectContaining({ code: "BUS400" }));
    expect(() => staging.take("a", "kv.get")).toThrow(expect.objectContaining({ code: "BUS404" }));
    now = 200;
    staging.part(part("b", 8), ok);
    expect(staging.size).toBe(1);
    staging.part(part("b", 8, 1), ok);
    expect(staging.take("b", "kv.put").byteLength).toBe(8);
    expect(staging.heldBytes).toBe(0);
  });
});
