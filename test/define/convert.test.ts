import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { type DefinedFlow, toTypeScript } from "@flows/define";
import { FlowSchema } from "@flows/flow-ir";
import * as v from "valibot";
import { afterAll, describe, expect, it } from "vitest";
import { helloFlow } from "../../cli/src/init/templates";
import { haveReference, REFERENCE_DOCUMENTS, readReference } from "../flow-ir/support/reference";

// JSON → TS → JSON: `flows convert` writes a definition whose emitted document equals the
// original, for both reference documents, every example and the hand-written templates.
// The generated modules are imported for real (vitest compiles them like any TypeScript).

const root = resolve(import.meta.dirname, "../..");
const scratch = join(import.meta.dirname, `.converted-${process.pid}`);
mkdirSync(scratch, { recursive: true });
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

type Json = Record<string, unknown>;

/** The document as our schema reads it (defaults applied), lists in a fixed order, `$schema` aside. */
function canonical(document: unknown): Json {
  const { $schema: _schema, ...flow } = v.parse(FlowSchema, document) as Json;
  const sorted = (key: string, by: (item: Json) => string) =>
    [...((flow[key] as Json[]) ?? [])].sort((a, b) => by(a).localeCompare(by(b)));
  return {
    ...flow,
    nodes: sorted("nodes", (n) => String(n.alias)),
    edges: sorted("edges", (e) => `${e.from}->${e.to}`),
    control_surfaces: sorted("control_surfaces", (s) => String(s.id)),
    checkpoints: sorted("checkpoints", (c) => String(c.id)),
  };
}

/** Flow IR objects are open: fields a newer emitter adds must survive the round trip. */
function withUnknownFields(): Json {
  const document = JSON.parse(readFileSync(join(root, "test/cli/fixtures/branching.flow.json"), "utf8")) as Json;
  const [node] = document.nodes as Json[];
  const [edge] = document.edges as Json[];
  return {
    ...document,
    x_origin: { tool: "lattice", build: 7 },
    nodes: [{ ...node, x_owner: "team-a" }, ...(document.nodes as Json[]).slice(1)],
    edges: [{ ...edge, x_note: "keep me" }, ...(document.edges as Json[]).slice(1)],
  };
}

const documents: [string, Json][] = [
  ...(haveReference
    ? REFERENCE_DOCUMENTS.map((name) => [name, JSON.parse(readReference(name)) as Json] as [string, Json])
    : []),
  ...readdirSync(join(root, "examples"), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".flow.json"))
    .map(
      (file) => [`examples/${file}`, JSON.parse(readFileSync(join(root, "examples", file), "utf8"))] as [string, Json],
    ),
  [
    "order-approval as hand-written",
    JSON.parse(readFileSync(join(import.meta.dirname, "fixtures/order-approval.json-era.flow.json"), "utf8")),
  ],
  ["flows init --json template", helloFlow as unknown as Json],
  ["unknown fields on the flow, a node and an edge", withUnknownFields()],
  ...["branching.flow.json", "clean.flow.json", "cycle.flow.json"].map(
    (file) => [file, JSON.parse(readFileSync(join(root, "test/cli/fixtures", file), "utf8"))] as [string, Json],
  ),
];

describe("flows convert round trip", () => {
  it("covers both reference documents and every example", () => {
    expect(documents.length).toBeGreaterThanOrEqual(haveReference ? 9 : 7);
  });

  it.each(documents)("%s: JSON → TypeScript → JSON gives the same document", async (name, document) => {
    const file = join(scratch, `${name.replace(/[^A-Za-z0-9]+/g, "_")}.flow.ts`);
    writeFileSync(file, toTypeScript(document, { source: name }));
    const module = (await import(file)) as { flow: DefinedFlow };
    expect(canonical(module.flow.toFlowIR())).toEqual(canonical(document));
    // The order of nodes is kept as written, not only the set.
    expect((module.flow.toFlowIR().nodes as Json[]).map((n) => n.alias)).toEqual(
      (document.nodes as Json[]).map((n) => n.alias),
    );
  });
});
