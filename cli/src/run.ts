import { graphCommand } from "./commands/graph";
import { type Command, helpCommand, MAIN_HELP, unknownCommand } from "./commands/help";
import { schemaCommand } from "./commands/schema";
import { validateCommand } from "./commands/validate";
import { EXIT_INTERNAL, EXIT_OK, EXIT_USAGE } from "./exit";
import type { CliIo } from "./io";
import { VERSION } from "./version";

const COMMANDS: Readonly<Record<string, Command>> = {
  validate: validateCommand,
  graph: graphCommand,
  schema: schemaCommand,
  build: async (argv, io) => (await import("./commands/build")).buildCommand(argv, io),
  convert: async (argv, io) => (await import("./commands/convert")).convertCommand(argv, io),
  // Loaded on first use: these pull in OpenDAL's native binding and esbuild, which the CI
  // verbs above never need.
  run: async (argv, io) => (await import("./commands/run")).runCommand(argv, io),
  resume: async (argv, io) => (await import("./commands/resume")).resumeCommand(argv, io),
  wake: async (argv, io) => (await import("./commands/wake")).wakeCommand(argv, io),
  event: async (argv, io) => (await import("./commands/event")).eventCommand(argv, io),
  runs: async (argv, io) => (await import("./commands/runs")).runsCommand(argv, io),
  inspect: async (argv, io) => (await import("./commands/runs")).inspectCommand(argv, io),
  logs: async (argv, io) => (await import("./commands/logs")).logsCommand(argv, io),
  cancel: async (argv, io) => (await import("./commands/cancel")).cancelCommand(argv, io),
  init: async (argv, io) => (await import("./commands/init")).initCommand(argv, io),
  publish: async (argv, io) => (await import("./commands/publish")).publishCommand(argv, io),
  dev: async (argv, io) => (await import("./commands/dev")).devCommand(argv, io),
  help: (argv, io) => helpCommand(argv, io, COMMANDS),
};

/** The whole CLI as a function of its arguments: returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined) {
    // No command is a usage error; the overview is what the person needs next.
    io.stderr(MAIN_HELP);
    return EXIT_USAGE;
  }
  if (verb === "-h" || verb === "--help") {
    io.stdout(MAIN_HELP);
    return EXIT_OK;
  }
  if (verb === "-v" || verb === "--version") {
    io.stdout(`${VERSION}\n`);
    return EXIT_OK;
  }
  if (verb.startsWith("-") && verb !== "-") {
    io.stderr(`flows: Unknown option '${verb}'\nRun "flows --help" for usage.\n`);
    return EXIT_USAGE;
  }
  const command = Object.hasOwn(COMMANDS, verb) ? COMMANDS[verb] : undefined;
  if (command === undefined) {
    io.stderr(unknownCommand(verb, Object.keys(COMMANDS)));
    return EXIT_USAGE;
  }
  try {
    return await command(rest, io);
  } catch (error) {
    // Commands answer every known problem themselves; anything else is a bug, reported without a stack.
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`flows ${verb}: internal error: ${message}\nPlease report it with the command you ran.\n`);
    return EXIT_INTERNAL;
  }
}
