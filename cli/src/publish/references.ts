import {
  type Diagnostic,
  encodePointer,
  forEachNodeHint,
  type HintRegistry,
  type ProjectManifest,
} from "@flows/flow-ir";
import type { ProjectFlow } from "./project";

export interface ReferenceFindings {
  readonly manifest: readonly Diagnostic[];
  /** By index into the project's flows: CAP101 placed at the hint that needs the capability. */
  readonly flows: ReadonlyMap<number, readonly Diagnostic[]>;
}

export const manifestProblem = (
  path: string,
  message: string,
  code: "MANIFEST002" | "MANIFEST003" = "MANIFEST003",
): Diagnostic => ({
  code,
  severity: "error",
  // The pointer leads the message, as it does for schema violations (MANIFEST002).
  message: path === "" ? message : `${path}: ${message}`,
  path,
});

/**
 * What only a publish needs on top of the schema: a Worker name, at least one flow and node
 * module, flows named by triggers and the container that exist, container nodes that some
 * flow uses, and a binding for every capability a flow needs (a Worker has no other way to
 * reach KV, R2, a queue or a Durable Object).
 */
export function checkProjectReferences(
  manifest: ProjectManifest,
  flows: readonly ProjectFlow[],
  registry: HintRegistry,
  /** Flow modules carry their implementations, so "nodes" may then be left out. */
  modulesCarryNodes = false,
): ReferenceFindings {
  const found: Diagnostic[] = [];
  if (manifest.name === undefined) {
    found.push(manifestProblem("", 'add "name": the Worker name (lowercase letters, digits, dashes)', "MANIFEST002"));
  }
  if ((manifest.flows ?? []).length === 0) {
    found.push(
      manifestProblem(
        "",
        'add "flows": the flow files or flow modules to publish, relative to flows.config.json',
        "MANIFEST002",
      ),
    );
  }
  if ((manifest.nodes ?? []).length === 0 && !modulesCarryNodes) {
    found.push(manifestProblem("", 'add "nodes": the modules implementing the flows\' nodes', "MANIFEST002"));
  }
  const ids = new Set<string>();
  for (const { flow } of flows) {
    if (ids.has(flow.id)) {
      const index = flows.findIndex((other) => other.flow.id === flow.id);
      found.push(manifestProblem(`/flows/${index}`, `two flow files share the flow id "${flow.id}"`, "MANIFEST003"));
    }
    ids.add(flow.id);
  }
  const known = [...ids].join(", ") || "none";
  const unknownFlow = (path: string, id: string, what: string) =>
    found.push(
      manifestProblem(path, `${what} names flow "${id}", which no flow file defines (flows: ${known})`, "MANIFEST003"),
    );
  for (const [queue, trigger] of Object.entries(manifest.triggers?.queues ?? {})) {
    if (!ids.has(trigger.flow))
      unknownFlow(encodePointer(["triggers", "queues", queue, "flow"]), trigger.flow, `queue "${queue}"`);
  }
  for (const [cron, names] of Object.entries(manifest.triggers?.crons ?? {})) {
    names.forEach((id, index) => {
      if (!ids.has(id)) unknownFlow(encodePointer(["triggers", "crons", cron, index]), id, `cron "${cron}"`);
    });
  }
  const container = manifest.container;
  container?.flows?.forEach((id, index) => {
    if (!ids.has(id)) unknownFlow(`/container/flows/${index}`, id, "container.flows");
  });
  const identifiers = new Set(flows.flatMap(({ flow }) => flow.nodes.map((node) => node.identifier)));
  container?.nodes?.forEach((identifier, index) => {
    if (!identifiers.has(identifier)) {
      found.push(
        manifestProblem(
          `/container/nodes/${index}`,
          `container.nodes names "${identifier}", which is the identifier of no node in the project's flows`,
          "MANIFEST003",
        ),
      );
    }
  });

  const byFlow = new Map<number, Diagnostic[]>();
  flows.forEach(({ flow }, flowIndex) => {
    const reported = new Set<string>();
    const diagnostics: Diagnostic[] = [];
    flow.nodes.forEach((node, nodeIndex) => {
      forEachNodeHint(node, nodeIndex, (hint, path) => {
        for (const constraint of registry.constraintsFor(hint)) {
          const capability = constraint.capability;
          if (capability === undefined || reported.has(capability)) continue;
          reported.add(capability);
          if (manifest.capabilities[capability]?.binding !== undefined) continue;
          diagnostics.push({
            code: "CAP101",
            severity: "error",
            message: `node "${node.alias}" uses capability "${capability}" (hint "${hint}"), which has no Cloudflare binding: set "capabilities": { "${capability}": { "binding": "…" } } in flows.config.json`,
            path: path(),
            node: node.alias,
            hint,
          });
        }
      });
    });
    byFlow.set(flowIndex, diagnostics);
  });
  return { manifest: found, flows: byFlow };
}
