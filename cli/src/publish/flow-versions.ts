import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FlowIR } from "@flows/flow-ir";
import { flowVersion } from "@flows/kernel";
import type { Project } from "./project";

/**
 * Every version of each flow a publish has deployed, kept beside flows.config.json and
 * committed with it: the Worker embeds the earlier ones, so a run that started on one (halted
 * for days, say) finishes on the graph it started with after the flow changed.
 */
export const VERSIONS_FILE = "flows.versions.json";

/** Flow id → its published versions, oldest first, each as the validator returned it. */
export type FlowVersions = Readonly<Record<string, readonly { readonly version: string; readonly flow: FlowIR }[]>>;

export class FlowVersionsError extends Error {
  readonly code = "VERSIONS400";
}

const isEntry = (value: unknown): value is { version: string; flow: FlowIR } => {
  if (typeof value !== "object" || value === null) return false;
  const { version, flow } = value as Record<string, unknown>;
  return typeof version === "string" && typeof flow === "object" && flow !== null && !Array.isArray(flow);
};

/** The versions earlier publishes recorded; none for a project never published. */
export function readFlowVersions(projectRoot: string): FlowVersions {
  const file = join(projectRoot, VERSIONS_FILE);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return {};
  }
  let flows: unknown;
  try {
    flows = (JSON.parse(text) as { flows?: unknown }).flows;
  } catch {
    flows = undefined;
  }
  const valid =
    typeof flows === "object" &&
    flows !== null &&
    !Array.isArray(flows) &&
    Object.values(flows).every((list) => Array.isArray(list) && list.every(isEntry));
  if (!valid) {
    throw new FlowVersionsError(
      `${file} is not a list of published flow versions ({ "flows": { "<flow id>": [{ "version", "flow" }] } }): restore it from version control; runs that started on an earlier version need it to finish`,
    );
  }
  return flows as FlowVersions;
}

/** The earlier versions of the project's flows: recorded, and not the version published now. */
export function earlierFlows(project: Project, recorded: FlowVersions): FlowIR[] {
  return project.flows.flatMap(({ flow }) => {
    const current = flowVersion(flow);
    return (recorded[flow.id] ?? []).filter((entry) => entry.version !== current).map((entry) => entry.flow);
  });
}

/** The record with this publish's versions added (each version once, in the order first published). */
export function withPublished(project: Project, recorded: FlowVersions): FlowVersions {
  const next: Record<string, { version: string; flow: FlowIR }[]> = {};
  for (const [id, list] of Object.entries(recorded)) next[id] = [...list];
  for (const { flow } of project.flows) {
    const version = flowVersion(flow);
    const list = next[flow.id] ?? [];
    if (!list.some((entry) => entry.version === version)) list.push({ version, flow });
    next[flow.id] = list;
  }
  return next;
}

/** Written to a temporary name and renamed into place: a crash leaves the old record or the new one. */
export function writeFlowVersions(projectRoot: string, versions: FlowVersions): void {
  const file = join(projectRoot, VERSIONS_FILE);
  const text = `${JSON.stringify(
    {
      $comment:
        "Written by `flows publish workers`: every flow version deployed so far, embedded in the Worker so a run that started on one finishes on it. Commit this file; remove a version once none of its runs is unfinished.",
      flows: versions,
    },
    null,
    2,
  )}\n`;
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}
