import type { CliIo } from "../io";

export async function devCommand(_argv: readonly string[], io: CliIo): Promise<number> {
  io.stderr("flows dev: not yet\n");
  return 2;
}
