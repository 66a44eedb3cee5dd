import type { CliIo } from "../io";
import type { CommandLog } from "./bundle";
import { commandLine } from "./toolchain";

/** Colour on stderr only at a terminal, and never when NO_COLOR is set. */
export function stderrColor(io: CliIo): boolean {
  const noColor = io.env.NO_COLOR;
  return io.isTTY.stderr && (noColor === undefined || noColor === "");
}

export interface Progress {
  step(text: string): void;
  readonly command: CommandLog;
  ok(text: string): void;
}

/**
 * Step-by-step progress on stderr (`flows <verb>: text`); with `verbose`, each external command
 * as the exact line that was run.
 */
export function progress(io: CliIo, verb: string, verbose: boolean): Progress {
  const color = stderrColor(io);
  const paint = (code: number, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  return {
    step: (text) => io.stderr(`${paint(2, `flows ${verb}:`)} ${text}\n`),
    command: (tool) => {
      if (verbose) io.stderr(`${paint(2, "$")} ${commandLine(tool)}\n`);
    },
    ok: (text) => io.stderr(`${paint(32, `flows ${verb}:`)} ${text}\n`),
  };
}
