import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseJson } from "./parse";

describe("parseJson (FLOW001)", () => {
  it("parses JSON, with or without a byte order mark", () => {
    expect(parseJson('{"a":[1,true,null]}')).toEqual({ ok: true, value: { a: [1, true, null] } });
    expect(parseJson('\uFEFF{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJson(" 0 ")).toEqual({ ok: true, value: 0 });
  });

  it('reports the line, column and reason of a syntax error, with path ""', () => {
    const result = parseJson('{\n  "a": 1,\n  "b": tru\n}');
    expect(result).toEqual({
      ok: false,
      diagnostic: {
        code: "FLOW001",
        severity: "error",
        message: 'not valid JSON at line 3, column 8: unexpected "t", expected a value',
        path: "",
        position: { line: 3, column: 8 },
      },
    });
  });

  it("reports empty input, trailing commas, comments and single quotes", () => {
    const cases: [string, string][] = [
      ["", "line 1, column 1: unexpected end of input, expected a value"],
      ["[1,]", 'line 1, column 4: unexpected "]", expected a value'],
      ['{"a":1,}', 'line 1, column 8: unexpected "}", expected a property name in double quotes'],
      ["// c\n{}", 'line 1, column 1: unexpected "/", expected a value'],
      ["{'a':1}", `line 1, column 2: unexpected "'", expected a property name in double quotes`],
      ['{"a" 1}', 'line 1, column 6: unexpected "1", expected ":" after property name'],
      ["{} {}", 'line 1, column 4: unexpected "{" after the end of the document'],
    ];
    for (const [text, where] of cases) {
      const result = parseJson(text);
      expect(result.ok, text).toBe(false);
      if (!result.ok) expect(result.diagnostic.message, text).toBe(`not valid JSON at ${where}`);
    }
  });

  it("never throws, and fails exactly when JSON.parse does", () => {
    // Near-misses: JSON text with one character inserted or removed, from JSON's own alphabet.
    const nearMiss = fc
      .tuple(
        fc.json(),
        fc.nat(),
        fc.constantFrom("", ",", ":", "[", "]", "{", "}", '"', "\\", "-", ".", "e", "0", " ", "\t", "\u0001", "u"),
      )
      .map(([text, at, insert]) => {
        const cut = at % (text.length + 1);
        return `${text.slice(0, cut)}${insert}${text.slice(cut + (insert === "" ? 1 : 0))}`;
      });
    fc.assert(
      fc.property(fc.oneof(fc.json(), nearMiss, nearMiss, fc.string(), fc.string({ unit: "binary" })), (text) => {
        let parses = true;
        try {
          JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
        } catch {
          parses = false;
        }
        const result = parseJson(text);
        expect(result.ok).toBe(parses);
        if (!result.ok) expect(result.diagnostic.message).not.toContain("the input is not valid JSON");
      }),
      { seed: 13, numRuns: 2_000 },
    );
  });
});
