import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { base64ToBytes, bytesToBase64, portableBase64 } from "./base64";

describe("base64 for frames", () => {
  it("round-trips any bytes, native and portable alike", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40_000 }), (bytes) => {
        const text = bytesToBase64(bytes);
        expect(portableBase64.encode(bytes)).toBe(text);
        expect(base64ToBytes(text)).toEqual(bytes);
        expect(portableBase64.decode(text)).toEqual(bytes);
      }),
      { numRuns: 200 },
    );
  });

  it("refuses text that is not base64, and owns what it decodes", () => {
    for (const text of ["a", "abc", "ab=c", "a b=", "!!!!", "YQ==YQ==", "YQ-_", "YWJj\nZA=="]) {
      expect(base64ToBytes(text), text).toBeUndefined();
      expect(portableBase64.decode(text.length % 4 === 0 ? text : "!!!!"), text).toBeUndefined();
    }
    const small = base64ToBytes("aGVsbG8=");
    expect(small?.buffer.byteLength).toBe(5);
  });
});
