import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli, flows } from "./support";

// A misspelt manifest key is kept and ignored (unknown keys stay accepted), so every verb that
// reads flows.config.json warns about it with MANIFEST004 and a did-you-mean, and goes on.

const scratch = mkdtempSync(join(tmpdir(), "flows-manifest-warnings-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const project = join(scratch, "typo");
const manifestFile = join(project, "flows.config.json");

/** 1-based line and column of `needle` in the manifest. */
function positionOf(needle: string) {
  const text = readFileSync(manifestFile, "utf8");
  const offset = text.indexOf(needle);
  const before = text.slice(0, offset);
  return `${before.split("\n").length}:${offset - before.lastIndexOf("\n")}`;
}

beforeAll(() => {
  buildCli();
  const init = flows(["init", project, "--name", "typo"], scratch);
  if (init.status !== 0) throw new Error(init.stderr);
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as Record<string, unknown>;
  writeFileSync(
    manifestFile,
    `${JSON.stringify({ ...manifest, capabilites: {}, container_: undefined, secret: ["X"] }, null, 2)}\n`,
  );
}, 60_000);

describe("a misspelt manifest key (MANIFEST004)", () => {
  const expected = () => [
    `flows.config.json:${positionOf('"capabilites"')}  MANIFEST004  /capabilites: unknown key "capabilites" is ignored; did you mean "capabilities"?`,
    `flows.config.json:${positionOf('"secret"')}  MANIFEST004  /secret: unknown key "secret" is ignored; did you mean "secrets"?`,
  ];

  it("flows validate --manifest reports it as a warning and exits 0", () => {
    const result = flows(["validate", "--manifest", "flows.config.json", "hello.flow.json"], project);
    expect(result.status, result.stderr).toBe(0);
    for (const line of expected()) expect(result.stdout).toContain(line);
    expect(result.stdout).toContain("2 files valid, 2 warnings");
    const json = flows(["validate", "--manifest", "flows.config.json", "--format", "json", "hello.flow.json"], project);
    const report = JSON.parse(json.stdout) as {
      files: { file: string; ok: boolean; diagnostics: { code: string }[] }[];
    };
    expect(report.files[0]).toMatchObject({ file: "flows.config.json", ok: true });
    expect(report.files[0]?.diagnostics.map((d) => d.code)).toEqual(["MANIFEST004", "MANIFEST004"]);
  });

  it("flows run warns on stderr and runs", () => {
    const args = ["run", "hello.flow.json", "--nodes", "nodes.ts", "--input", '{"name":"Ada"}'];
    const result = flows([...args, "--state", join(scratch, "state")], project);
    expect(result.status, result.stderr).toBe(0);
    for (const line of expected()) expect(result.stderr).toContain(`flows run: ${line}`);
    expect(JSON.parse(result.stdout)).toMatchObject({ greeting: "Hello, Ada!" });
  });

  it("flows publish workers warns and publishes", () => {
    const out = join(scratch, "out");
    const result = flows(["publish", "workers", "--no-deploy", "--out", out], project);
    expect(result.status, result.stderr).toBe(0);
    for (const line of expected()) expect(result.stderr).toContain(line);
    expect(JSON.parse(result.stdout)).toMatchObject({ out });
  });
});
