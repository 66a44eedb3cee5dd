import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli } from "../cli/support";

// README's first flow, as a newcomer would use it: the TypeScript block copied into a file,
// typechecked, then every command of the block after it run as written.

const root = resolve(import.meta.dirname, "../..");
const readme = readFileSync(join(root, "README.md"), "utf8");
const dir = join(import.meta.dirname, `.readme-${process.pid}`);
const tsc = join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin", "tsc");

// A regex literal may not hold "<!--" in a module; the marker is built from a string.
const marker = new RegExp(`${"<!"}-- first-flow -->\\n\`\`\`ts\\n([\\s\\S]*?)\\n\`\`\``);
const flowSource = (marker.exec(readme) as RegExpExecArray)[1] as string;
const after = readme.slice(readme.indexOf(flowSource) + flowSource.length);
const commands = ((/```sh\n([\s\S]*?)\n```/.exec(after) as RegExpExecArray)[1] as string)
  .split("\n")
  .filter((line) => line.startsWith("flows "));

beforeAll(() => {
  buildCli();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "refunds.flow.ts"), `${flowSource}\n`);
  writeFileSync(
    join(dir, "flows.config.json"),
    JSON.stringify({ capabilities: { kv: { provider: "opendal.fs", binding: "REFUNDS" } } }),
  );
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({ extends: "../../../tsconfig.base.json", compilerOptions: { types: ["node"] }, include: ["*.ts"] }),
  );
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("README's first flow", () => {
  it(`compiles as written (${flowSource.split("\n").length} lines)`, () => {
    const result = spawnSync(process.execPath, [tsc, "-p", join(dir, "tsconfig.json")], { encoding: "utf8" });
    expect(result.stdout).toBe("");
    expect(result.status).toBe(0);
  });

  it("runs first time: every command of the README, with the results it promises", () => {
    expect(commands).toHaveLength(5);
    const outputs = commands.map((line) => {
      const command = line.replace(/\s+#.*$/, "");
      const result = spawnSync("bash", ["-c", command], {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, PATH: `${join(root, "cli/bin")}:${process.env.PATH}` },
      });
      expect(result.status, `${command}\n${result.stderr}`).toBe(0);
      return result.stdout.trim();
    });
    expect(outputs[0]).toBe("1 file valid");
    expect(JSON.parse(outputs[1] as string)).toEqual({ id: "r-1", status: "approved" });
    expect(JSON.parse(outputs[2] as string)).toMatchObject({ status: "halted", checkpoint: "review" });
    expect(JSON.parse(outputs[3] as string)).toEqual({ id: "r-2", status: "rejected" });
    const built = JSON.parse(readFileSync(join(dir, "refunds.flow.json"), "utf8")) as {
      nodes: { alias: string; effects: string; effectHints: string[] }[];
    };
    expect(built.nodes.find((n) => n.alias === "record")).toMatchObject({
      effects: "effectful",
      effectHints: ["resource::kv::write"],
    });
  });
});
