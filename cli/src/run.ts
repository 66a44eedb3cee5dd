export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  io.stderr(`flows: not yet implemented (${argv.join(" ")})\n`);
  return 2;
}
