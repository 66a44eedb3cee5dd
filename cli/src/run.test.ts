import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { memoryIo } from "./memory-io";
import { runCli } from "./run";
import { VERSION, WRANGLER_VERSION } from "./version";

async function cli(...argv: string[]) {
  const io = memoryIo();
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe("flows dispatch", () => {
  it("prints the version", async () => {
    expect(await cli("--version")).toEqual({ code: 0, out: `${VERSION}\n`, err: "" });
    expect((await cli("-v")).out).toBe(`${VERSION}\n`);
  });

  it("keeps the version in step with the package", () => {
    const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version: string;
      dependencies: Record<string, string>;
    };
    expect(VERSION).toBe(manifest.version);
    // `flows init` pins the wrangler the CLI itself runs.
    expect(WRANGLER_VERSION).toBe(manifest.dependencies.wrangler);
    // Every published package moves in step with the CLI (init projects depend on them at VERSION).
    const root = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      workspaces: string[];
    };
    for (const folder of root.workspaces) {
      const pkg = JSON.parse(readFileSync(new URL(`../../${folder}/package.json`, import.meta.url), "utf8")) as {
        version: string;
        private?: boolean;
      };
      if (pkg.private !== true) expect(pkg.version, folder).toBe(VERSION);
    }
  });

  it("lists every verb in --help and flows help", async () => {
    for (const argv of [["--help"], ["-h"], ["help"]]) {
      const { code, out } = await cli(...argv);
      expect(code).toBe(0);
      for (const verb of ["validate", "graph", "schema", "init", "publish", "dev", "help"]) {
        expect(out).toMatch(new RegExp(`^  ${verb}\\b`, "m"));
      }
      expect(out).toContain("NO_COLOR");
    }
  });

  it("shows a verb's own help through flows help <verb> and <verb> --help", async () => {
    for (const verb of ["validate", "graph", "schema"]) {
      const viaHelp = await cli("help", verb);
      const viaFlag = await cli(verb, "--help");
      expect(viaHelp.code).toBe(0);
      expect(viaHelp.out).toBe(viaFlag.out);
      expect(viaHelp.out).toMatch(new RegExp(`^Usage: flows ${verb}`));
    }
  });

  it("answers no command with the overview on stderr and exit 2", async () => {
    const { code, out, err } = await cli();
    expect(code).toBe(2);
    expect(out).toBe("");
    expect(err).toContain("Usage: flows <command>");
  });

  it("rejects an unknown verb with exit 2 and the nearest verb", async () => {
    expect(await cli("valdiate", "x.flow.json")).toEqual({
      code: 2,
      out: "",
      err: 'flows: unknown command "valdiate" (did you mean "validate"?)\nRun "flows --help" for the list of commands.\n',
    });
    expect((await cli("deploy")).err).not.toContain("did you mean");
    expect((await cli("help", "grpah")).err).toContain('did you mean "graph"');
    expect((await cli("help", "grpah")).code).toBe(2);
  });

  it("rejects an unknown top-level option with exit 2", async () => {
    const { code, err } = await cli("--verbose");
    expect(code).toBe(2);
    expect(err).toContain("Unknown option '--verbose'");
  });

  it("does not treat inherited object keys as verbs", async () => {
    expect((await cli("constructor")).code).toBe(2);
    expect((await cli("help", "toString")).code).toBe(2);
  });
});
