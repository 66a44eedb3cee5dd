import { resumeCommand } from "./commands/resume";
import { runCommand } from "./commands/run";
import { inspectCommand, runsCommand } from "./commands/runs";

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readonly stderrIsTTY?: boolean;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

type Verb = (argv: readonly string[], io: CliIo) => Promise<number>;

const VERBS: Record<string, Verb> = {
  run: runCommand,
  resume: resumeCommand,
  runs: runsCommand,
  inspect: inspectCommand,
};

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [verb, ...rest] = argv;
  const command = verb === undefined ? undefined : VERBS[verb];
  if (command === undefined) {
    io.stderr(`flows: unknown command "${verb ?? ""}"\n`);
    return 2;
  }
  return command(rest, io);
}
