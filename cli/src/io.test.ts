import { describe, expect, it } from "vitest";
import { colorEnabled } from "./io";
import { memoryIo } from "./memory-io";

describe("colorEnabled", () => {
  it("colours a terminal unless NO_COLOR holds a value", () => {
    expect(colorEnabled(memoryIo({ tty: true }))).toBe(true);
    expect(colorEnabled(memoryIo({ tty: true, env: { NO_COLOR: "1" } }))).toBe(false);
    // https://no-color.org: an empty NO_COLOR does not count as set.
    expect(colorEnabled(memoryIo({ tty: true, env: { NO_COLOR: "" } }))).toBe(true);
    expect(colorEnabled(memoryIo({ tty: false }))).toBe(false);
  });
});

describe("memoryIo", () => {
  it("collects stdout and stderr and serves the given stdin", async () => {
    const io = memoryIo({ stdin: "{}" });
    io.stdout("a");
    io.stdout("b");
    io.stderr("c");
    expect([io.out(), io.err(), await io.readStdin()]).toEqual(["ab", "c", "{}"]);
    await expect(memoryIo().readStdin()).rejects.toThrow();
  });
});
