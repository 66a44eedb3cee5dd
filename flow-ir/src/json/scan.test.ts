import { describe, expect, it } from "vitest";
import { scanJson } from "./scan";

describe("scanJson", () => {
  it("records where each value starts; members at their key", () => {
    const text = '{"a": [10, {"b": null}], "c~d": "x"}';
    const { offsets, error } = scanJson(text);
    expect(error).toBeUndefined();
    expect(Object.fromEntries(offsets)).toEqual({
      "": 0,
      "/a": 1,
      "/a/0": 7,
      "/a/1": 11,
      "/a/1/b": 12,
      "/c~0d": 25,
    });
  });

  it("records only the pointers asked for", () => {
    const { offsets } = scanJson('{"a": [1, 2], "b": 3}', new Set(["/a/1", "/b"]));
    expect([...offsets]).toEqual([
      ["/a/1", 10],
      ["/b", 14],
    ]);
  });

  it("reports the offset and reason of each kind of syntax error", () => {
    const cases: [string, number, string][] = [
      ['"abc', 0, "unterminated string"],
      ['"a\\x"', 2, "invalid escape in string"],
      ['"\\u12G4"', 1, "invalid \\u escape in string"],
      ['"a\tb"', 2, "control character in string (escape it)"],
      ["[1 2]", 3, 'unexpected "2", expected "," or "]"'],
      ['{"a":1 "b":2}', 7, 'unexpected "\\"", expected "," or "}"'],
      ["01", 1, 'unexpected "1" after the end of the document'],
      ["-", 0, 'unexpected "-", expected a value'],
      ["1.", 1, 'unexpected "." after the end of the document'],
      ["nul", 0, 'unexpected "n", expected a value'],
      ["[", 1, "unexpected end of input, expected a value"],
    ];
    for (const [text, offset, message] of cases) expect(scanJson(text).error, text).toEqual({ offset, message });
  });

  it("scans 100,000 levels of nesting without recursion", () => {
    const depth = 100_000;
    expect(scanJson(`${"[".repeat(depth)}${"]".repeat(depth)}`).error).toBeUndefined();
    expect(scanJson(`${'{"a":'.repeat(depth)}1${"}".repeat(depth - 1)}`).error).toEqual({
      offset: depth * 5 + depth,
      message: 'unexpected end of input, expected "," or "}"',
    });
  });
});
