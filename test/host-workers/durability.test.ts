import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Miniflare } from "miniflare";
import { afterAll, describe, expect, it } from "vitest";
import { auth, bundleFixture, startMiniflare, waitFor, workerOptions } from "./support";

// A long async run survives its isolate: Miniflare (workerd) is disposed mid-run and a new
// instance on the same persisted state finishes it from the journal.

const persistRoot = mkdtempSync(join(tmpdir(), "flows-persist-"));
afterAll(() => rmSync(persistRoot, { recursive: true, force: true }));

async function boot(script: string): Promise<Miniflare> {
  const mf = startMiniflare(
    workerOptions(script, {
      defaultPersistRoot: persistRoot,
      kvPersist: true,
      durableObjectsPersist: true,
    }),
  );
  await mf.ready;
  return mf;
}

async function keys(mf: Miniflare, prefix: string): Promise<string[]> {
  const kv = await mf.getKVNamespace("LEDGER");
  return (await kv.list({ prefix })).keys.map((key) => key.name);
}

describe("durable async runs", () => {
  it("a run interrupted by disposing workerd is finished by a new instance; each effect happens once", async () => {
    const script = await bundleFixture();
    const first = await boot(script);
    const started = await first.dispatchFetch("http://flows.test/flows/slow/runs", {
      method: "POST",
      body: JSON.stringify({ id: "durable-1" }),
      headers: auth,
    });
    expect(started.status).toBe(202);
    const { run_id: runId } = (await started.json()) as { run_id: string };
    // Interrupt while step2 is in flight: after its execution began, before the run finished.
    await waitFor(async () => ((await keys(first, "exec:step2:")).length > 0 ? true : undefined), "step2 to start");
    await first.dispose();

    const second = await boot(script);
    try {
      const summary = await waitFor(async () => {
        const response = await second.dispatchFetch(`http://flows.test/runs/${runId}`, { headers: auth });
        const body = (await response.json()) as { status: string; nodes: { alias: string; status: string }[] };
        return body.status === "completed" ? body : undefined;
      }, "the interrupted run to be finished by the new instance");
      expect(summary.nodes.filter((record) => record.status === "completed").map((record) => record.alias)).toEqual([
        "start",
        "step1",
        "step2",
        "step3",
      ]);
      // step1 completed before the interruption: never executed again.
      expect(await keys(second, "exec:step1:")).toHaveLength(1);
      // Each effect exactly once, whatever was repeated.
      expect(await keys(second, "effect:")).toEqual([
        "effect:step1:slow/step1/durable-1",
        "effect:step2:slow/step2/durable-1",
        "effect:step3:slow/step3/durable-1",
      ]);
    } finally {
      await second.dispose();
    }
  }, 60_000);
});
