import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { flowIrJsonSchema, manifestJsonSchema } from "@flows/flow-ir";
import { afterAll, describe, expect, it } from "vitest";
import { memoryIo } from "../memory-io";
import { runCli } from "../run";

const scratch = mkdtempSync(join(tmpdir(), "flows-schema-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function schema(...argv: string[]) {
  const io = memoryIo();
  const code = await runCli(["schema", ...argv], io);
  return { code, out: io.out(), err: io.err() };
}

describe("flows schema (in process)", () => {
  it("prints the Flow IR JSON Schema as pretty JSON", async () => {
    const { code, out } = await schema();
    expect(code).toBe(0);
    expect(out).toBe(`${JSON.stringify(flowIrJsonSchema(), null, 2)}\n`);
  });

  it("prints the manifest schema with --manifest", async () => {
    const { code, out } = await schema("--manifest");
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual(manifestJsonSchema());
  });

  it("writes to a file with --out", async () => {
    const file = join(scratch, "flow-ir.schema.json");
    const { code, out, err } = await schema("--out", file);
    expect(code).toBe(0);
    expect(out).toBe("");
    expect(err).toContain(`wrote ${file}`);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(flowIrJsonSchema());
  });

  it("exits 2 on unexpected arguments, unknown options and unwritable files", async () => {
    expect((await schema("extra")).code).toBe(2);
    expect((await schema("--yaml")).code).toBe(2);
    const unwritable = await schema("--out", join(scratch, "missing-dir", "x.json"));
    expect(unwritable.code).toBe(2);
    expect(unwritable.err).toContain("cannot write");
  });
});
