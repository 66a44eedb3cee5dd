import { env } from "cloudflare:workers";
import { createDoApi } from "@flows/cap-do";
import { createCloudflareDoProvider } from "@flows/cap-do/workers";
import { describe, expect, it } from "vitest";
import { doConformance } from "../caps/do.conformance";
import { sleep, uniquePrefix } from "../caps/support";

// Time cannot be stepped inside workerd, so TTL tests really wait. (The kernel's own
// DedupeStore suite runs against the local ledgers in test/caps/do.test.ts; it reuses fixed
// keys and steps time, which a real binding that keeps its data between tests cannot do.)
doConformance("cloudflare.do", () => ({ provider: createCloudflareDoProvider(env.FLOW_STATE), advance: sleep }));

describe("FlowStateObject under contention", () => {
  // Each caller gets its own provider and stubs, as separate Worker invocations would.
  const caller = () => createDoApi(createCloudflareDoProvider(env.FLOW_STATE));

  it("loses no update among 100 parallel read-modify-writes from 100 callers", async () => {
    const key = `${uniquePrefix("hot")}counter`;
    const results = await Promise.all(
      Array.from({ length: 100 }, () => caller().update<number>(key, (n) => (n ?? 0) + 1)),
    );
    expect(await caller().get(key)).toBe(100);
    // Every caller saw a distinct value: each update applied to the one before it.
    expect(new Set(results).size).toBe(100);
  });

  it("grants exactly one of 100 parallel reservations from 100 callers", async () => {
    const key = `${uniquePrefix("hot")}order-1`;
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, (_, i) => caller().reserve(key, `run-${i}`, 300_000)),
    );
    const granted = outcomes.flatMap((outcome, i) => (outcome.status === "granted" ? [i] : []));
    expect(granted).toHaveLength(1);
    const winner = `run-${granted[0]}`;
    expect(outcomes.filter((o) => o.status === "pending" && o.owner === winner)).toHaveLength(99);
    await caller().complete(key, winner, { shipped: true }, 300_000);
    expect(await caller().reserve(key, "run-late", 300_000)).toEqual({
      status: "completed",
      result: { shipped: true },
    });
  });
});
