import { describe, expect, it } from "vitest";
import { parseArgs, parseVerbArgs } from "./args";
import { UsageError } from "./exit";

const SPECS = {
  format: { type: "string" },
  manifest: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const parse = (...argv: string[]) => parseArgs(argv, SPECS);

describe("parseArgs", () => {
  it("reads --flag value, --flag=value, short flags and positionals in any order", () => {
    expect(parse("a.json", "--format", "json", "--manifest=flows.config.json", "b", "-h")).toEqual({
      ok: true,
      args: { values: { format: "json", manifest: "flows.config.json", help: true }, positionals: ["a.json", "b"] },
    });
  });

  it("keeps - as a positional (standard input) and takes it as a value", () => {
    expect(parse("-", "--format", "-")).toEqual({ ok: true, args: { values: { format: "-" }, positionals: ["-"] } });
  });

  it("treats everything after -- as positionals", () => {
    expect(parse("--", "--format", "-h")).toEqual({
      ok: true,
      args: { values: {}, positionals: ["--format", "-h"] },
    });
  });

  it("lets the last of a repeated option win and keeps = inside values", () => {
    expect(parse("--format=text", "--format=a=b")).toEqual({
      ok: true,
      args: { values: { format: "a=b" }, positionals: [] },
    });
  });

  it("rejects unknown options and suggests the nearest one", () => {
    expect(parse("--formt", "json")).toEqual({
      ok: false,
      message: "Unknown option '--formt' (did you mean '--format'?)",
    });
    expect(parse("--zzz")).toEqual({ ok: false, message: "Unknown option '--zzz'" });
    expect(parse("-x")).toEqual({ ok: false, message: "Unknown option '-x'" });
  });

  it("does not mistake inherited object keys for options", () => {
    expect(parse("--constructor")).toMatchObject({ ok: false });
    expect(parse("--toString=1")).toMatchObject({ ok: false });
  });

  it("rejects a string option without a value and a flag given one", () => {
    expect(parse("--format")).toMatchObject({ ok: false, message: expect.stringContaining("--format needs a value") });
    expect(parse("--format", "--help")).toMatchObject({ ok: false });
    expect(parse("--help=yes")).toEqual({ ok: false, message: "option --help takes no value" });
  });

  it("accepts an empty value written with =", () => {
    expect(parse("--format=")).toEqual({ ok: true, args: { values: { format: "" }, positionals: [] } });
  });
});

describe("parseVerbArgs", () => {
  it("throws a UsageError carrying the parser's message", () => {
    expect(() => parseVerbArgs(["--nope"], SPECS)).toThrow(UsageError);
    expect(() => parseVerbArgs(["--nope"], SPECS)).toThrow("Unknown option '--nope'");
    expect(parseVerbArgs(["x"], SPECS).positionals).toEqual(["x"]);
  });
});
