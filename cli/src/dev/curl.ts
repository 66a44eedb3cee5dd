import type { Project } from "../publish/project";
import { shellQuote } from "../publish/toolchain";

/** Ready-to-paste commands, one per trigger: each flow's HTTP trigger, each cron, each queue's flow. */
export function curlCommands(project: Project, url: string, token: string | undefined): string[] {
  const auth = `-H ${shellQuote(`authorization: Bearer ${token ?? "<FLOWS_API_TOKEN>"}`)}`;
  const lines: string[] = [];
  for (const { flow } of project.flows) {
    for (const trigger of flow.nodes.filter((node) => node.kind === "trigger")) {
      lines.push(`# flow ${flow.id}, trigger ${trigger.alias}`);
      lines.push(
        `curl -X POST ${shellQuote(`${url}/flows/${encodeURIComponent(flow.id)}/invoke?trigger=${encodeURIComponent(trigger.alias)}`)} ${auth} -H 'content-type: application/json' -d '{}'`,
      );
    }
  }
  for (const [cron, flows] of Object.entries(project.manifest.triggers?.crons ?? {})) {
    lines.push(`# cron "${cron}" (starts ${flows.join(", ")})`);
    lines.push(`curl ${shellQuote(`${url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent(cron)}`)}`);
  }
  for (const [queue, trigger] of Object.entries(project.manifest.triggers?.queues ?? {})) {
    lines.push(`# queue "${queue}" starts ${trigger.flow} per message; the same flow over HTTP, as an async run:`);
    lines.push(
      `curl -X POST ${shellQuote(`${url}/flows/${encodeURIComponent(trigger.flow)}/runs`)} ${auth} -H 'content-type: application/json' -d '{}'`,
    );
  }
  lines.push("# health (no token)");
  lines.push(`curl ${shellQuote(`${url}/health`)}`);
  return lines;
}
