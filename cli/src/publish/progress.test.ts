import { describe, expect, it } from "vitest";
import { memoryIo } from "../memory-io";
import { progress } from "./progress";

const tool = {
  command: "/opt/esbuild",
  args: ["src/entry.js", "--banner:js=a b"],
  cwd: "/p/dist",
  env: { NODE_PATH: "/n" },
};

describe("publish progress", () => {
  it("colours steps only on a terminal without NO_COLOR", () => {
    const coloured = memoryIo({ tty: true, env: {} });
    progress(coloured, "publish", false).step("bundling");
    expect(coloured.err()).toContain("\u001b[");
    for (const io of [memoryIo({ tty: true, env: { NO_COLOR: "1" } }), memoryIo({ tty: false, env: {} })]) {
      progress(io, "publish", false).step("bundling");
      expect(io.err()).toBe("flows publish: bundling\n");
    }
  });

  it("prints each external command as a pasteable line only with --verbose", () => {
    const quiet = memoryIo({ env: {} });
    progress(quiet, "publish", false).command(tool);
    expect(quiet.err()).toBe("");
    const verbose = memoryIo({ env: {} });
    progress(verbose, "publish", true).command(tool);
    expect(verbose.err()).toBe("$ (cd /p/dist && NODE_PATH=/n /opt/esbuild src/entry.js '--banner:js=a b')\n");
  });
});
