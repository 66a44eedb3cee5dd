import { closest } from "@flows/flow-ir";
import { EXIT_OK, EXIT_USAGE } from "../exit";
import type { CliIo } from "../io";
import { VERSION } from "../version";

export const MAIN_HELP = `flows ${VERSION} — run Flow IR workflows on Cloudflare

Usage: flows <command> [options]

Commands:
  validate <files|dirs|->   check flow files and flow modules for CI (text, json or GitHub annotations)
  graph <file|module>       draw a flow as Mermaid or Graphviz (dot)
  build <modules>           write the .flow.json of every flow a TypeScript module defines
  convert <flow.json>       write the TypeScript definition of a Flow IR document
  schema                    print the Flow IR (or manifest) JSON Schema
  run <flow|module>         run a flow locally on embedded storage (.flows/)
  resume <run-id>           continue a run halted at a checkpoint
  event <run-id> <name>     send an event to a run (ctx.waitFor takes it)
  wake                      continue every run whose sleep or halt deadline is due
  runs                      list runs (local, or a Worker's with --url)
  inspect <run-id>          show a run's node history
  logs <run-id>             print a run's journal and follow it until the run finishes
  cancel <run-id>           cancel a run that has not finished
  init [dir]                create a project: manifest, example flow and nodes
  publish workers           build a deployable Workers project (wrangler.jsonc, bundle)
  dev                       serve the project as a local Worker (workerd), reloading on change
  help [command]            show this help, or a command's

Options:
  -h, --help                show help (flows <command> --help for a command's)
  -v, --version             print the version

runs, inspect, logs, resume and cancel work against a Worker (flows dev or deployed)
with --url and --token, or FLOWS_URL and FLOWS_API_TOKEN.

Exit codes: 0 success, 1 the flow or run failed, 2 usage or read error.
Colour only on a terminal, and never when NO_COLOR is set.
`;

export type Command = (argv: readonly string[], io: CliIo) => Promise<number>;

/** `flows help [command]`: the overview, or the named command's own --help. */
export async function helpCommand(
  argv: readonly string[],
  io: CliIo,
  commands: Readonly<Record<string, Command>>,
): Promise<number> {
  const [topic, ...extra] = argv;
  if (topic === undefined || topic === "help" || topic === "-h" || topic === "--help") {
    io.stdout(MAIN_HELP);
    return EXIT_OK;
  }
  const command = Object.hasOwn(commands, topic) ? commands[topic] : undefined;
  if (command === undefined || extra.length > 0) {
    io.stderr(`${unknownCommand(extra.length > 0 ? argv.join(" ") : topic, Object.keys(commands))}`);
    return EXIT_USAGE;
  }
  return command(["--help"], io);
}

/** The message for a command flows does not have, with the nearest one it does. */
export function unknownCommand(verb: string, known: readonly string[]): string {
  const near = closest(verb, known);
  const hint = near === undefined ? "" : ` (did you mean "${near}"?)`;
  return `flows: unknown command "${verb}"${hint}\nRun "flows --help" for the list of commands.\n`;
}
