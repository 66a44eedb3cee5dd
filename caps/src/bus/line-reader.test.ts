import { describe, expect, it } from "vitest";
import { createLineReader } from "./line-reader";

const bytes = (text: string) => new TextEncoder().encode(text);

function reader(maxLineBytes: number) {
  const lines: string[] = [];
  const oversize: number[] = [];
  const read = createLineReader({
    maxLineBytes,
    onLine: (line) => lines.push(line),
    onOversize: (n) => oversize.push(n),
  });
  return { read, lines, oversize };
}

describe("bounded line reader", () => {
  it("splits lines across arbitrary chunk boundaries, multi-byte characters included", () => {
    const { read, lines } = reader(1024);
    const text = '{"a":"ünï"}\n{"b":2}\r\n\n{"c":"🚀"}\n';
    const all = bytes(text);
    for (let index = 0; index < all.length; index += 3) read.push(all.subarray(index, index + 3));
    expect(lines).toEqual(['{"a":"ünï"}', '{"b":2}', '{"c":"🚀"}']);
  });

  it("drops an oversized line, reports it once and resynchronises at the next newline", () => {
    const { read, lines, oversize } = reader(16);
    read.push(bytes('{"ok":1}\n'));
    read.push(bytes("x".repeat(10)));
    read.push(bytes("y".repeat(100)));
    expect(read.buffered).toBe(0);
    read.push(bytes('zzz\n{"ok":2}\n'));
    expect(lines).toEqual(['{"ok":1}', '{"ok":2}']);
    expect(oversize).toEqual([113]);
  });

  it("keeps memory bounded however long a line grows (64 MiB in 64 KiB chunks)", () => {
    const { read, lines, oversize } = reader(1024 * 1024);
    const chunk = new Uint8Array(64 * 1024).fill(0x61);
    let peak = 0;
    for (let index = 0; index < 1024; index += 1) {
      read.push(chunk);
      peak = Math.max(peak, read.buffered);
    }
    read.push(bytes('\n{"after":true}\n'));
    expect(peak).toBeLessThanOrEqual(1024 * 1024);
    expect(oversize).toEqual([64 * 1024 * 1024]);
    expect(lines).toEqual(['{"after":true}']);
  });
});
