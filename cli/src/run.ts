import type { CliIo } from "./commands/cli-io";
import { graphCommand } from "./commands/graph";
import { MAIN_HELP } from "./commands/help";
import { resumeCommand } from "./commands/resume";
import { runCommand } from "./commands/run";
import { inspectCommand, runsCommand } from "./commands/runs";
import { schemaCommand } from "./commands/schema";
import { validateCommand } from "./commands/validate";
import { VERSION } from "./version";

export type { CliIo } from "./commands/cli-io";

type Command = (argv: readonly string[], io: CliIo) => Promise<number>;

const COMMANDS: Readonly<Record<string, Command>> = {
  validate: validateCommand,
  graph: graphCommand,
  schema: schemaCommand,
  run: runCommand,
  resume: resumeCommand,
  runs: runsCommand,
  inspect: inspectCommand,
};

/** The whole CLI as a function of its arguments: returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === "-h" || verb === "--help") {
    io.stdout(MAIN_HELP);
    return verb === undefined ? 2 : 0;
  }
  if (verb === "-v" || verb === "--version") {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  if (verb === "help") {
    const topic = rest[0];
    const command = topic === undefined ? undefined : COMMANDS[topic];
    if (command) return command(["--help"], io);
    io.stdout(MAIN_HELP);
    return topic === undefined ? 0 : 2;
  }
  const command = COMMANDS[verb];
  if (command === undefined) {
    const near = Object.keys(COMMANDS).find((name) => name.startsWith(verb.slice(0, 3)));
    io.stderr(
      `flows: unknown command "${verb}"${near ? ` (did you mean "${near}"?)` : ""}\nRun "flows --help" for the list.\n`,
    );
    return 2;
  }
  try {
    return await command(rest, io);
  } catch (error) {
    // Commands answer known problems themselves; anything else is a bug, reported without a stack.
    io.stderr(`flows ${verb}: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 70;
  }
}
