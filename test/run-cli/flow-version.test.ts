import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// A halted run is pinned to the flow document it started on: resuming it against a changed
// document is refused (FLOW409) and changes nothing; with the old document it completes.

const root = resolve(import.meta.dirname, "../..");
const example = join(root, "examples/order-approval");
const scratch = mkdtempSync(join(tmpdir(), "flows-version-"));
const state = join(scratch, "state");
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function flows(...args: string[]) {
  const result = spawnSync(process.execPath, [join(root, "cli/bin/flows.mjs"), ...args], {
    encoding: "utf8",
    env: { ...process.env, FLOWS_PROGRESS: "" },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("runs pinned to their flow version", () => {
  it("refuses to resume against a changed document, completes with the one it started on", () => {
    const original = join(scratch, "v1.flow.json");
    copyFileSync(join(example, "order-approval.flow.json"), original);
    copyFileSync(join(example, "flows.config.json"), join(scratch, "flows.config.json"));
    const nodes = join(example, "nodes.ts");
    const input = `@${join(example, "large-order.json")}`;
    const halted = flows("run", original, "--nodes", nodes, "--input", input, "--run-id", "pinned", "--state", state);
    expect(halted.status, halted.stderr).toBe(0);
    const journalFile = join(state, "runs/pinned.ndjson");
    const started = JSON.parse(readFileSync(journalFile, "utf8").split("\n")[0] ?? "") as { version?: string };
    expect(started.version).toMatch(/^[0-9a-f]{16}$/);

    // A redeploy changes the document: a node summary edited is enough.
    const document = JSON.parse(readFileSync(original, "utf8")) as { nodes: { summary?: string }[] };
    const [firstNode] = document.nodes;
    if (firstNode === undefined) throw new Error("the example has no nodes");
    firstNode.summary = `${firstNode.summary ?? ""} (changed)`;
    const changed = join(scratch, "v2.flow.json");
    writeFileSync(changed, JSON.stringify(document, null, 2));
    const before = readFileSync(journalFile, "utf8");
    const resume = (flow: string) =>
      flows(
        "resume",
        "pinned",
        "--checkpoint",
        "manager_approval",
        "--input",
        '{"approved":true}',
        "--flow",
        flow,
        "--state",
        state,
      );

    const refused = resume(changed);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`FLOW409`);
    expect(refused.stderr).toContain(`started on version ${started.version}`);
    expect(readFileSync(journalFile, "utf8")).toBe(before);

    const resumed = resume(original);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain("run pinned completed");
  }, 30_000);
});
