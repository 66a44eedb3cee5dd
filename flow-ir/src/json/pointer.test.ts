import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodePointer, encodePointer, resolvePointer } from "./pointer";

describe("JSON Pointers (RFC 6901)", () => {
  it("encodes segments, escaping ~ before /", () => {
    expect(encodePointer([])).toBe("");
    expect(encodePointer(["nodes", 0, "alias"])).toBe("/nodes/0/alias");
    expect(encodePointer(["a/b", "m~n", "~1", ""])).toBe("/a~1b/m~0n/~01/");
  });

  it("decodes what it encodes, and refuses a pointer without a leading slash", () => {
    expect(decodePointer("")).toEqual([]);
    expect(decodePointer("/")).toEqual([""]);
    expect(decodePointer("/a~1b/m~0n/~01")).toEqual(["a/b", "m~n", "~1"]);
    expect(decodePointer("nodes/0")).toBeUndefined();
    fc.assert(
      fc.property(fc.array(fc.string()), (segments) => {
        expect(decodePointer(encodePointer(segments))).toEqual(segments);
      }),
      { seed: 11, numRuns: 500 },
    );
  });

  it("resolves members, indexes and escaped keys (the RFC's own examples)", () => {
    const document = {
      foo: ["bar", "baz"],
      "": 0,
      "a/b": 1,
      "c%d": 2,
      "e^f": 3,
      "g|h": 4,
      "i\\j": 5,
      'k"l': 6,
      " ": 7,
      "m~n": 8,
    };
    const cases: [string, unknown][] = [
      ["", document],
      ["/foo", ["bar", "baz"]],
      ["/foo/0", "bar"],
      ["/", 0],
      ["/a~1b", 1],
      ["/c%d", 2],
      ["/e^f", 3],
      ["/g|h", 4],
      ["/i\\j", 5],
      ['/k"l', 6],
      ["/ ", 7],
      ["/m~0n", 8],
    ];
    for (const [pointer, value] of cases) expect(resolvePointer(document, pointer)).toEqual({ found: true, value });
  });

  it("finds null values, and nothing where there is nothing", () => {
    const document = { a: null, list: [1, 2], nested: { x: { y: false } } };
    expect(resolvePointer(document, "/a")).toEqual({ found: true, value: null });
    expect(resolvePointer(document, "/nested/x/y")).toEqual({ found: true, value: false });
    for (const pointer of ["/b", "/a/b", "/list/2", "/list/-", "/list/01", "/list/-1", "/list/1e0", "/list/x", "a"]) {
      expect(resolvePointer(document, pointer), pointer).toEqual({ found: false });
    }
  });

  it("follows own members only, never the prototype", () => {
    for (const pointer of ["/constructor", "/toString", "/__proto__", "/list/length"]) {
      expect(resolvePointer({ list: [] }, pointer), pointer).toEqual({ found: false });
    }
  });

  it("resolves the pointer of every value in any JSON document to that value", () => {
    const visit = (value: unknown, segments: (string | number)[], out: [(string | number)[], unknown][]) => {
      out.push([segments, value]);
      if (Array.isArray(value)) {
        for (const [index, item] of value.entries()) visit(item, [...segments, index], out);
      } else if (value !== null && typeof value === "object") {
        for (const [key, item] of Object.entries(value)) visit(item, [...segments, key], out);
      }
      return out;
    };
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (document) => {
        for (const [segments, value] of visit(document, [], [])) {
          expect(resolvePointer(document, encodePointer(segments))).toEqual({ found: true, value });
        }
      }),
      { seed: 12, numRuns: 500 },
    );
  });
});
