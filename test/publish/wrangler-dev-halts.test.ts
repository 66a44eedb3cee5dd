import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFlow } from "../support/flow-builder";
import { buildCli, flows, freePort, type Running, repoRoot, start } from "./support";

// README's `wrangler dev` line for a published project, run as written (only the port swapped):
// both secrets reach the Worker, so a run halts with a signed resume token and resumes with it.

const scratch = mkdtempSync(join(tmpdir(), "flows-wrangler-dev-"));
const project = join(scratch, "approvals");
let wrangler: Running | undefined;

/** The ```sh block following `<!-- walkthrough:wrangler -->` in README.md. */
function readmeLine(): string {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const match = /<!-- walkthrough:wrangler -->\n```sh\n([\s\S]*?)\n```/.exec(readme);
  if (match?.[1] === undefined) throw new Error("README.md has no walkthrough:wrangler block");
  return match[1];
}

beforeAll(() => {
  buildCli();
  const init = flows(["init", "approvals"], scratch);
  if (init.status !== 0) throw new Error(init.stderr);
  const flow = buildFlow("approve", {
    nodes: { request: { kind: "trigger" }, decide: {} },
    edges: [["request", "decide"]],
    checkpoints: ["manager"],
  });
  writeFileSync(join(project, "approve.flow.json"), JSON.stringify(flow, null, 2));
  writeFileSync(
    join(project, "approve-nodes.ts"),
    `export default {
  "approve::request": (input: unknown) => input,
  "approve::decide": async (input: unknown, ctx: { halt<T>(checkpoint: string, details?: unknown): Promise<T> }) => {
    const decision = await ctx.halt<{ approved: boolean }>("manager", { asked: input });
    return { approved: decision.approved };
  },
};
`,
  );
  const manifestFile = join(project, "flows.config.json");
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as { flows: string[]; nodes?: string[] };
  manifest.flows.push("approve.flow.json");
  manifest.nodes = [...(manifest.nodes ?? []), "approve-nodes.ts"];
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
  const published = flows(["publish", "workers", "--no-deploy"], project);
  if (published.status !== 0) throw new Error(published.stderr);
}, 60_000);
afterAll(async () => {
  await wrangler?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe("README's wrangler dev line", () => {
  it("serves a halt and its resume with the secrets of .dev.vars", async () => {
    const port = await freePort();
    const line = readmeLine().replaceAll("8787", String(port));
    expect(line).toContain("--env-file .dev.vars");
    const command = `${line} --ip 127.0.0.1 --inspector-port ${await freePort()} --persist-to ${join(scratch, "state")}`;
    wrangler = start("bash", ["-e", "-c", command], project, {
      PATH: `${join(repoRoot, "node_modules", ".bin")}:${process.env.PATH ?? ""}`,
    });
    await wrangler.waitFor(/Ready on http/, 90_000);
    const base = `http://127.0.0.1:${port}`;
    const headers = { authorization: "Bearer dev-token", "content-type": "application/json" };
    const halted = await fetch(`${base}/flows/approve/invoke`, { method: "POST", headers, body: '{"amount":900}' });
    const body = (await halted.json()) as { status: string; run_id: string; resume_token: string; checkpoint: string };
    expect(halted.status, JSON.stringify(body)).toBe(202);
    expect(body).toMatchObject({ status: "halted", checkpoint: "manager" });
    expect(body.resume_token).toMatch(/\S{20,}/);
    const resumed = await fetch(`${base}/runs/${body.run_id}/resume`, {
      method: "POST",
      headers,
      body: JSON.stringify({ token: body.resume_token, payload: { approved: true } }),
    });
    expect(resumed.status).toBe(200);
    expect(await resumed.json()).toMatchObject({ status: "completed", output: { approved: true } });
  }, 180_000);
});
