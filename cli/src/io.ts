/**
 * Everything the CLI touches outside itself. `main.ts` wires it to the process; tests drive
 * `runCli` in-process with `memoryIo()`.
 */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** All of standard input, for `-` arguments. */
  readStdin(): Promise<string>;
  readonly isTTY: { readonly stdout: boolean; readonly stderr: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Colour only for a person at a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function colorEnabled(io: CliIo): boolean {
  const noColor = io.env.NO_COLOR;
  return io.isTTY.stdout && (noColor === undefined || noColor === "");
}
