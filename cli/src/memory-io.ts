import type { CliIo } from "./io";

export interface MemoryIo extends CliIo {
  /** Everything written to stdout so far. */
  readonly out: () => string;
  /** Everything written to stderr so far. */
  readonly err: () => string;
}

export interface MemoryIoOptions {
  readonly stdin?: string;
  readonly tty?: boolean;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** A CliIo that keeps its output in memory, for running the CLI inside a test or another tool. */
export function memoryIo(options: MemoryIoOptions = {}): MemoryIo {
  let out = "";
  let err = "";
  return {
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
    readStdin: async () => {
      if (options.stdin === undefined) throw new Error("standard input is closed");
      return options.stdin;
    },
    isTTY: { stdout: options.tty ?? false, stderr: options.tty ?? false },
    env: options.env ?? {},
    out: () => out,
    err: () => err,
  };
}
