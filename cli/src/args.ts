import { closest } from "@flows/flow-ir";
import { UsageError } from "./exit";

export interface OptionSpec {
  readonly type: "string" | "boolean";
  /** One letter, used as `-x`. */
  readonly short?: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** Values typed from the specs: strings for string options, booleans for flags; absent when not given. */
export type OptionValues<S extends OptionSpecs> = {
  -readonly [K in keyof S]?: S[K]["type"] extends "string" ? string : boolean;
};

export interface ParsedArgs<S extends OptionSpecs> {
  readonly values: OptionValues<S>;
  readonly positionals: readonly string[];
}

export type ArgsResult<S extends OptionSpecs> =
  | { readonly ok: true; readonly args: ParsedArgs<S> }
  | { readonly ok: false; readonly message: string };

const looksLikeOption = (arg: string) => arg.startsWith("-") && arg !== "-";

/**
 * Parses one verb's arguments: `--name value`, `--name=value`, `-x`, boolean flags, positionals
 * (`-` is one: standard input) and `--` to end options. Unknown options are an error, with the
 * nearest known one suggested. The last of a repeated string option wins.
 */
export function parseArgs<S extends OptionSpecs>(argv: readonly string[], specs: S): ArgsResult<S> {
  const values: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  const names = Object.keys(specs);
  const fail = (message: string): ArgsResult<S> => ({ ok: false, message });
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? "";
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!looksLikeOption(arg)) {
      positionals.push(arg);
      continue;
    }
    let name: string | undefined;
    let inline: string | undefined;
    if (arg.startsWith("--")) {
      const body = arg.slice(2);
      const eq = body.indexOf("=");
      name = eq < 0 ? body : body.slice(0, eq);
      inline = eq < 0 ? undefined : body.slice(eq + 1);
      if (!Object.hasOwn(specs, name)) {
        const near = closest(name, names);
        return fail(`Unknown option '--${name}'${near === undefined ? "" : ` (did you mean '--${near}'?)`}`);
      }
    } else {
      const letter = arg.slice(1);
      name = names.find((candidate) => specs[candidate]?.short === letter);
      if (name === undefined) return fail(`Unknown option '${arg}'`);
    }
    const spec = specs[name];
    if (spec === undefined) return fail(`Unknown option '${arg}'`);
    if (spec.type === "boolean") {
      if (inline !== undefined) return fail(`option --${name} takes no value`);
      values[name] = true;
      continue;
    }
    if (inline !== undefined) {
      values[name] = inline;
      continue;
    }
    const next = argv[i + 1];
    if (next === undefined || looksLikeOption(next)) {
      return fail(`option --${name} needs a value (use --${name}=<value> for one that starts with "-")`);
    }
    values[name] = next;
    i += 1;
  }
  // The loop only stores names found in `specs`, with the value type their spec declares.
  return { ok: true, args: { values: values as OptionValues<S>, positionals } };
}

/** `parseArgs` for a command body: a bad argument becomes a UsageError (exit 2 with the message). */
export function parseVerbArgs<S extends OptionSpecs>(argv: readonly string[], specs: S): ParsedArgs<S> {
  const result = parseArgs(argv, specs);
  if (!result.ok) throw new UsageError("USAGE", result.message);
  return result.args;
}
