import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli, flows } from "./support";

// Every broken input stops `flows publish workers` before anything is written: exit 1, each
// finding as file:line:col CODE message, and no --out directory at all.

const scratch = mkdtempSync(join(tmpdir(), "flows-publish-broken-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

beforeAll(() => {
  buildCli();
}, 60_000);

let count = 0;
/** A fresh `flows init` project whose manifest text is replaced by `edit(original)`. */
function projectWith(edit: (manifest: Record<string, unknown>) => Record<string, unknown> | string): string {
  count += 1;
  const dir = join(scratch, `case-${count}`);
  // The hand-written Flow IR template: these cases point into its JSON text.
  const init = flows(["init", dir, "--name", "broken", "--json"], scratch);
  if (init.status !== 0) throw new Error(init.stderr);
  const file = join(dir, "flows.config.json");
  const edited = edit(JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>);
  writeFileSync(file, typeof edited === "string" ? edited : `${JSON.stringify(edited, null, 2)}\n`);
  return dir;
}

function publishFails(dir: string) {
  const out = join(dir, "out");
  const result = flows(["publish", "workers", "--dry-run", "--out", out], dir);
  expect(result.status, result.stderr).toBe(1);
  expect(existsSync(out)).toBe(false);
  expect(result.stderr).toContain("nothing was written");
  return result.stderr;
}

/** 1-based line and column of `needle` in the file. */
function positionIn(file: string, needle: string) {
  const text = readFileSync(file, "utf8");
  const offset = text.indexOf(needle);
  const before = text.slice(0, offset);
  return `${before.split("\n").length}:${offset - before.lastIndexOf("\n")}`;
}

describe("flows publish workers on broken inputs", () => {
  it("a capability without a binding: CAP101 at the hint that needs it", () => {
    const dir = projectWith((manifest) => ({ ...manifest, capabilities: { kv: { provider: "opendal.fs" } } }));
    const stderr = publishFails(dir);
    const at = positionIn(join(dir, "hello.flow.json"), '"resource::kv::read"');
    expect(stderr).toContain(`hello.flow.json:${at}  CAP101  node "count" uses capability "kv"`);
  });

  it("a secret the manifest does not list: DAG203", () => {
    const dir = projectWith((manifest) => ({
      ...manifest,
      capabilities: { kv: { provider: "opendal.fs", binding: "HELLO_KV", secrets: ["KV_SIGNING_KEY"] } },
    }));
    const stderr = publishFails(dir);
    const at = positionIn(join(dir, "hello.flow.json"), '"resource::kv::read"');
    expect(stderr).toContain(
      `hello.flow.json:${at}  DAG203  capability "kv" (used by node "count") needs secret "KV_SIGNING_KEY"`,
    );
  });

  it("a manifest that is not JSON: MANIFEST001 at the syntax error", () => {
    const dir = projectWith(() => '{\n  "name": "broken",\n  "flows": ["hello.flow.json",]\n}\n');
    const stderr = publishFails(dir);
    expect(stderr).toMatch(
      /flows\.config\.json:3:31 {2}MANIFEST001 {2}the manifest is not valid JSON at line 3, column 31: unexpected "]"/,
    );
  });

  it("a manifest that breaks its schema: MANIFEST002 at each mistake", () => {
    const dir = projectWith((manifest) => ({ ...manifest, compatibility_date: "soon", vars: { LIMIT: 10 } }));
    const stderr = publishFails(dir);
    const file = join(dir, "flows.config.json");
    expect(stderr).toContain(
      `flows.config.json:${positionIn(file, '"compatibility_date"')}  MANIFEST002  /compatibility_date: compatibility_date must be a date like 2026-04-26`,
    );
    expect(stderr).toContain(
      `flows.config.json:${positionIn(file, '"LIMIT"')}  MANIFEST002  /vars/LIMIT: vars values must be strings`,
    );
    expect(stderr).toContain("2 errors");
  });

  it("a manifest naming files and flows the project does not have: MANIFEST003", () => {
    const dir = projectWith((manifest) => ({
      ...manifest,
      flows: ["hello.flow.json", "missing.flow.json"],
      triggers: { crons: { "0 * * * *": ["nope"] } },
    }));
    const stderr = publishFails(dir);
    const file = join(dir, "flows.config.json");
    expect(stderr).toContain(
      `flows.config.json:${positionIn(file, '"missing.flow.json"')}  MANIFEST003  /flows/1: flow file "missing.flow.json" does not exist`,
    );
    expect(stderr).toContain(
      `MANIFEST003  /triggers/crons/0 * * * */0: cron "0 * * * *" names flow "nope", which no flow file defines (flows: hello)`,
    );
  });

  it("a surface config the kernel cannot run: CTRL133 as an error (the Worker reads configs as checked here)", () => {
    const dir = projectWith((manifest) => manifest);
    const file = join(dir, "hello.flow.json");
    const flow = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    const slow = { id: "slow", kind: "timeout", targets: ["count"], config: { timeout_ms: 0 } };
    writeFileSync(file, `${JSON.stringify({ ...flow, control_surfaces: [slow] }, null, 2)}\n`);
    const stderr = publishFails(dir);
    expect(stderr).toMatch(
      /hello\.flow\.json:\d+:\d+ {2}CTRL133 {2}control surface "slow" \(timeout\) is misconfigured: timeout_ms must be at least 1/,
    );
  });

  it("a missing manifest is a read error (exit 2), and usage mistakes say how to get help", () => {
    const empty = join(scratch, "empty");
    const missing = flows(["publish", "workers", "--out", join(empty, "out")], scratch);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("MANIFEST404");
    expect(missing.stderr).toContain(
      'no such file: create a project with "flows init", or name the manifest with --manifest',
    );
    expect(existsSync(join(empty, "out"))).toBe(false);
    const directory = flows(["publish", "workers", "--manifest", scratch], scratch);
    expect(directory.status).toBe(2);
    expect(directory.stderr).toContain(
      `it is a directory: name the manifest file, e.g. --manifest ${join(scratch, "flows.config.json")}`,
    );
    const initInProc = flows(["init", "/proc/flows-init-test"], scratch);
    expect(initInProc.status).toBe(2);
    expect(initInProc.stderr).toContain("WRITE500: cannot create directory /proc/flows-init-test");
    const target = flows(["publish", "pages"], scratch);
    expect(target.status).toBe(2);
    expect(target.stderr).toContain('unknown target "pages"');
    expect(target.stderr).toContain('Run "flows publish --help" for usage.');
  });
});
