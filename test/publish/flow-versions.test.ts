import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFlow } from "../support/flow-builder";
import { buildCli, flows, type Running, startWranglerDev } from "./support";

// A run halted for days, then a redeploy that changed its flow: the published Worker keeps the
// version the run started on (flows.versions.json), so the run finishes on that graph; a
// version that was not kept is refused with FLOW409 and the run is left as it was.

const scratch = mkdtempSync(join(tmpdir(), "flows-versions-"));
const project = join(scratch, "approvals");
const dist = join(project, "dist");
const state = join(scratch, "state");
const running: Running[] = [];

/** v1: request → decide; v2 adds an audit step after the decision; v3 declares a second checkpoint. */
function approveFlow(version: 1 | 2 | 3) {
  return buildFlow("approve", {
    nodes: { request: { kind: "trigger" }, decide: {}, ...(version >= 2 ? { audit: {} } : {}) },
    edges: [["request", "decide"], ...(version >= 2 ? ([["decide", "audit"]] as [string, string][]) : [])],
    checkpoints: version === 3 ? ["manager", "director"] : ["manager"],
  });
}

function publish(version: 1 | 2 | 3) {
  writeFileSync(join(project, "approve.flow.json"), JSON.stringify(approveFlow(version), null, 2));
  const published = flows(["publish", "workers", "--no-deploy"], project);
  if (published.status !== 0) throw new Error(published.stderr);
  return published;
}

async function serve() {
  const served = await startWranglerDev(dist, { persistTo: state, token: "t" });
  running.push(served.running);
  const base = `http://127.0.0.1:${served.port}`;
  const headers = { authorization: "Bearer t", "content-type": "application/json" };
  return {
    stop: () => served.running.stop(),
    async halt() {
      const answer = await fetch(`${base}/flows/approve/invoke`, { method: "POST", headers, body: "{}" });
      const body = (await answer.json()) as { status: string; run_id: string; resume_token: string };
      expect(answer.status, JSON.stringify(body)).toBe(202);
      return body;
    },
    async resume(run: { run_id: string; resume_token: string }) {
      const answer = await fetch(`${base}/runs/${run.run_id}/resume`, {
        method: "POST",
        headers,
        body: JSON.stringify({ token: run.resume_token, payload: { approved: true } }),
      });
      return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
    },
  };
}

beforeAll(() => {
  buildCli();
  const init = flows(["init", "approvals"], scratch);
  if (init.status !== 0) throw new Error(init.stderr);
  writeFileSync(
    join(project, "approve-nodes.ts"),
    `export default {
  "approve::request": (input: unknown) => input,
  "approve::decide": async (_input: unknown, ctx: { halt<T>(checkpoint: string): Promise<T> }) => {
    const decision = await ctx.halt<{ approved: boolean }>("manager");
    return { approved: decision.approved };
  },
  "approve::audit": (input: { approved: boolean }) => ({ ...input, audited: true }),
};
`,
  );
  const manifestFile = join(project, "flows.config.json");
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as { flows: string[]; nodes?: string[] };
  manifest.flows.push("approve.flow.json");
  manifest.nodes = [...(manifest.nodes ?? []), "approve-nodes.ts"];
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
}, 60_000);
afterAll(async () => {
  await Promise.all(running.map((r) => r.stop()));
  rmSync(scratch, { recursive: true, force: true });
});

describe("published Workers keep earlier flow versions", () => {
  it("a run halted on v1 finishes on v1 after v2 is published; one on a version not kept gets FLOW409", async () => {
    publish(1);
    const versionsFile = join(project, "flows.versions.json");
    const recorded = () =>
      (JSON.parse(readFileSync(versionsFile, "utf8")) as { flows: Record<string, { version: string }[]> }).flows;
    expect(recorded().approve).toHaveLength(1);
    const first = await serve();
    const onV1 = await first.halt();
    await first.stop();

    // Publishing the same version again records nothing new.
    publish(1);
    expect(recorded().approve).toHaveLength(1);
    const published = publish(2);
    expect(published.stderr).toContain("1 earlier version kept");
    expect(recorded().approve).toHaveLength(2);
    expect(readFileSync(join(dist, "src/entry.js"), "utf8")).toContain("const earlierFlows = ");

    const second = await serve();
    // Started on v1: finishes on v1's graph (no audit step).
    expect(await second.resume(onV1)).toEqual(
      expect.objectContaining({ status: 200, body: expect.objectContaining({ output: { approved: true } }) }),
    );
    // A new run takes v2.
    const onV2 = await second.halt();
    const fresh = await second.resume(await second.halt());
    expect(fresh.body).toMatchObject({ status: "completed", output: { approved: true, audited: true } });
    await second.stop();

    // The record lost (not committed, say): v3 is published without v2, and the run halted on
    // v2 is refused, with nothing changed: it still waits.
    rmSync(versionsFile);
    publish(3);
    expect(existsSync(versionsFile)).toBe(true);
    expect(readFileSync(join(dist, "src/entry.js"), "utf8")).not.toContain("earlierFlows");
    const third = await serve();
    const refused = await third.resume(onV2);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: "FLOW409", details: { flow: "approve" } });
    expect(JSON.stringify(refused.body)).toContain("is not kept");
    await third.stop();

    // Put v2 back in the record and publish again: the refused run now finishes on v2.
    writeFileSync(join(project, "approve.flow.json"), JSON.stringify(approveFlow(2), null, 2));
    publish(2);
    publish(3);
    expect(recorded().approve).toHaveLength(2);
    const fourth = await serve();
    expect((await fourth.resume(onV2)).body).toMatchObject({
      status: "completed",
      output: { approved: true, audited: true },
    });
    await fourth.stop();
  }, 300_000);
});
