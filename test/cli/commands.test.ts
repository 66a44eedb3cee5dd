import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildCli, flows, repoRoot } from "./support";

// Help, version, unknown verbs and `flows schema` through the built binary.

beforeAll(buildCli, 60_000);

describe("flows", () => {
  it("prints its version", () => {
    const { version } = JSON.parse(readFileSync(join(repoRoot, "cli/package.json"), "utf8")) as { version: string };
    expect(flows(["--version"])).toEqual({ status: 0, stdout: `${version}\n`, stderr: "" });
  });

  it("documents every verb in flows help and each verb's --help", () => {
    const help = flows(["help"]);
    expect(help.status).toBe(0);
    for (const verb of ["validate", "graph", "schema", "init", "publish", "dev"]) {
      expect(help.stdout).toContain(`  ${verb}`);
      const own = flows([verb, "--help"]);
      expect(own.status).toBe(0);
      expect(own.stdout).toMatch(new RegExp(`^Usage: flows ${verb}`));
      expect(flows(["help", verb]).stdout).toBe(own.stdout);
    }
    const validateHelp = flows(["validate", "--help"]).stdout;
    for (const term of ["--format", "text", "json", "github", "--manifest", "DAG203", "Exit codes", "NO_COLOR"]) {
      expect(validateHelp).toContain(term);
    }
  });

  it("rejects an unknown verb with exit 2 and a hint", () => {
    const { status, stdout, stderr } = flows(["vaildate", "x"]);
    expect(status).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain('unknown command "vaildate" (did you mean "validate"?)');
    expect(stderr).toContain('Run "flows --help"');
  });

  it("exits 2 without a verb", () => {
    expect(flows([]).status).toBe(2);
  });
});

describe("flows schema", () => {
  it("prints the Flow IR JSON Schema as pretty JSON", () => {
    const { status, stdout } = flows(["schema"]);
    expect(status).toBe(0);
    const schema = JSON.parse(stdout) as { properties: Record<string, unknown> };
    expect(stdout).toBe(`${JSON.stringify(schema, null, 2)}\n`);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(["nodes", "edges", "control_surfaces"]));
  });

  it("prints the manifest schema with --manifest", () => {
    const { status, stdout } = flows(["schema", "--manifest"]);
    expect(status).toBe(0);
    const schema = JSON.parse(stdout) as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(["capabilities", "secrets"]));
  });

  it("matches the schema files the repository publishes", () => {
    const published = (name: string) => JSON.parse(readFileSync(join(repoRoot, "flow-ir/schema", name), "utf8"));
    expect(JSON.parse(flows(["schema"]).stdout)).toEqual(published("flow-ir.schema.json"));
    expect(JSON.parse(flows(["schema", "--manifest"]).stdout)).toEqual(published("flows.config.schema.json"));
  });
});
