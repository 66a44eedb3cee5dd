import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli, flows } from "./support";

// `--out` must name a directory of the publish's own: anything else is a coded usage error
// (exit 2) before a file is written, and a publish never deletes a file it did not write.

const scratch = mkdtempSync(join(tmpdir(), "flows-publish-out-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const project = join(scratch, "outs");
const manifestFile = join(project, "flows.config.json");

beforeAll(() => {
  buildCli();
  const init = flows(["init", project], scratch);
  if (init.status !== 0) throw new Error(init.stderr);
}, 60_000);

const publish = (...args: string[]) => flows(["publish", "workers", "--no-deploy", ...args], project);

describe("flows publish workers --out", () => {
  it("refuses a bad --out with a code and exit 2, writing nothing", () => {
    const before = readdirSync(project).sort();
    writeFileSync(join(scratch, "a-file"), "x");
    const cases = [
      [["--out", ""], "--out needs a directory"],
      [["--out", "."], "OUT409: --out . is the project directory or contains it"],
      [["--out", scratch], `OUT409: --out ${scratch} is the project directory or contains it`],
      [["--out", join(scratch, "a-file")], `OUT400: cannot use --out ${join(scratch, "a-file")}: `],
      [["--out", join(scratch, "a-file", "deeper")], "is a file, not a directory"],
      // Node 20's recursive mkdir never returns here; the publish must answer at once.
      [["--out", "/proc/flows-out-test"], "OUT400: cannot create --out /proc/flows-out-test"],
    ] as const;
    for (const [args, message] of cases) {
      const result = publish(...args);
      expect(result.status, `${args.join(" ")}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(result.stdout).toBe("");
    }
    expect(readdirSync(project).sort()).toEqual(before);
  });

  it("creates a missing --out several levels deep", () => {
    const out = join(scratch, "a", "b", "c");
    const result = publish("--out", out);
    expect(result.status, result.stderr).toBe(0);
    expect(existsSync(join(out, "wrangler.jsonc"))).toBe(true);
  });

  it("keeps a Dockerfile it did not write, and removes the one it wrote once the container is gone", () => {
    const out = join(scratch, "shared-out");
    mkdirSync(out);
    writeFileSync(join(out, "Dockerfile"), "FROM scratch\n");
    expect(publish("--out", out).status).toBe(0);
    expect(readFileSync(join(out, "Dockerfile"), "utf8")).toBe("FROM scratch\n");

    const original = readFileSync(manifestFile, "utf8");
    const manifest = JSON.parse(original) as Record<string, unknown>;
    writeFileSync(manifestFile, JSON.stringify({ ...manifest, container: { nodes: ["hello::greet"] } }));
    // With a container, the user's Dockerfile is the image: kept, not replaced.
    const withContainer = publish("--out", out);
    expect(withContainer.status, withContainer.stderr).toBe(0);
    expect(readFileSync(join(out, "Dockerfile"), "utf8")).toBe("FROM scratch\n");
    expect(withContainer.stderr).toContain("kept as is and used for the image");
    rmSync(join(out, "Dockerfile"));
    expect(publish("--out", out).status).toBe(0);
    expect(readFileSync(join(out, "Dockerfile"), "utf8")).toContain("linux/amd64");
    writeFileSync(manifestFile, original);
    // The container class was deployed: dropping it needs its deletion asked for.
    const refused = publish("--out", out);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("MIGRATE409");
    expect(refused.stderr).toContain("--delete-class FlowContainer");
    expect(readFileSync(join(out, "Dockerfile"), "utf8")).toContain("linux/amd64");
    expect(publish("--out", out, "--delete-class", "FlowContainer").status).toBe(0);
    expect(existsSync(join(out, "Dockerfile"))).toBe(false);
    expect(existsSync(join(out, "container", "index.mjs"))).toBe(false);
  });
});
