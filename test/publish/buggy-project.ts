import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { flows } from "./support";

const LOOKUP = `export interface Visitor {
  readonly profile?: { readonly deep: string };
}

/** The bug: not every visitor has a profile. */
export function nicknameOf(visitor: Visitor): string {
  const nickname = (visitor.profile as { deep: string }).deep;
  return nickname;
}
`;
/** The init template's line the bug's call goes before. */
const GREETING = ["        return { name, greeting: `Hello, $", "{name}!` };"].join("");
const CALL = '        if (name === "bug") return { name, greeting: nicknameOf({}) };';

/** Where the bug is, 1-based as stack traces print positions. */
export interface BuggyProject {
  readonly dir: string;
  /** src/lookup.ts: the line and column of the `deep` read. */
  readonly lookupLine: number;
  readonly lookupColumn: number;
  /** hello.flow.ts: the line of the greet node's call into src/lookup.ts. */
  readonly flowLine: number;
}

/**
 * A `flows init` project in `scratch` whose greet node, given the name "bug", calls a helper in
 * src/lookup.ts that reads `undefined.deep`.
 */
export function buggyProject(scratch: string): BuggyProject {
  const init = flows(["init", "hello"], scratch);
  if (init.status !== 0) throw new Error(init.stderr);
  const dir = join(scratch, "hello");
  mkdirSync(join(dir, "src"));
  writeFileSync(join(dir, "src/lookup.ts"), LOOKUP);
  const flowFile = join(dir, "hello.flow.ts");
  const flow = readFileSync(flowFile, "utf8")
    .replace(
      'import * as v from "valibot";',
      'import * as v from "valibot";\nimport { nicknameOf } from "./src/lookup";',
    )
    .replace(GREETING, `${CALL}\n${GREETING}`);
  writeFileSync(flowFile, flow);
  const flowLine = flow.split("\n").indexOf(CALL) + 1;
  if (flowLine === 0) throw new Error("the init template changed: the greet node's return line was not found");
  const lookupLine = 7;
  const lookupColumn = (LOOKUP.split("\n")[lookupLine - 1] as string).indexOf(".deep") + 2;
  return { dir, lookupLine, lookupColumn, flowLine };
}

/** The stack names the helper's line and column first, then the node's line in the flow module. */
export function expectSourcePositions(stack: string, bug: BuggyProject): void {
  const lines = stack.split("\n");
  expect(lines[0]).toBe("TypeError: Cannot read properties of undefined (reading 'deep')");
  // Named as written, though the bundle renamed it: its caller's call site is the project's code.
  expect(lines[1]).toBe(`    at nicknameOf (src/lookup.ts:${bug.lookupLine}:${bug.lookupColumn})`);
  expect(lines[2]).toMatch(new RegExp(`^ {4}at \\S+ \\(hello\\.flow\\.ts:${bug.flowLine}:\\d+\\)$`));
}
