import { describe, expect, it } from "vitest";
import { splitPieces } from "./journal-pieces";

describe("journal entries in pieces", () => {
  it("keeps a text that fits one piece whole", () => {
    expect(splitPieces("abc", 3)).toEqual(["abc"]);
  });

  it("cuts long texts into pieces that join back to the text, never halving a surrogate pair", () => {
    const text = `a${"😀".repeat(5)}b`;
    const pieces = splitPieces(text, 2);
    expect(pieces.join("")).toBe(text);
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(2);
      // Every piece is well-formed UTF-16: it survives a round trip through UTF-8.
      expect(new TextDecoder().decode(new TextEncoder().encode(piece))).toBe(piece);
    }
  });
});
