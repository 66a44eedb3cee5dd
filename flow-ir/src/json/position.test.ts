import { describe, expect, it } from "vitest";
import { createPositionLocator, positionAt } from "./position";

describe("source positions", () => {
  it("counts 1-based lines and columns by line feeds", () => {
    const text = "ab\ncd\r\n\nef";
    expect(positionAt(text, 0)).toEqual({ line: 1, column: 1 });
    expect(positionAt(text, 2)).toEqual({ line: 1, column: 3 });
    expect(positionAt(text, 3)).toEqual({ line: 2, column: 1 });
    expect(positionAt(text, 7)).toEqual({ line: 3, column: 1 });
    expect(positionAt(text, 9)).toEqual({ line: 4, column: 2 });
  });

  it("clamps an offset past the end to the end", () => {
    expect(positionAt("ab\nc", 99)).toEqual({ line: 2, column: 2 });
    expect(positionAt("", 5)).toEqual({ line: 1, column: 1 });
  });

  it("locates members by their key and array items by their value", () => {
    const text = '{\n  "nodes": [\n    { "alias": "a" },\n    {"alias":  "b"}\n  ],\n  "a/b": 1\n}';
    const locate = createPositionLocator(text, ["/nodes/1/alias", "/nodes/0", "/a~1b", ""]);
    expect(locate("")).toEqual({ line: 1, column: 1 });
    expect(locate("/nodes/0")).toEqual({ line: 3, column: 5 });
    expect(locate("/nodes/1/alias")).toEqual({ line: 4, column: 6 });
    expect(locate("/a~1b")).toEqual({ line: 6, column: 3 });
    // Ancestors of a requested pointer are located too.
    expect(locate("/nodes")).toEqual({ line: 2, column: 3 });
  });

  it("maps a pointer that does not exist to its nearest existing ancestor", () => {
    const text = '{"nodes": [{"alias": "a"}]}';
    const locate = createPositionLocator(text, ["/nodes/0/kind", "/nodes/5/alias", "/nothing"]);
    expect(locate("/nodes/0/kind")).toEqual({ line: 1, column: 12 });
    expect(locate("/nodes/5/alias")).toEqual({ line: 1, column: 2 });
    expect(locate("/nothing")).toEqual({ line: 1, column: 1 });
  });
});
