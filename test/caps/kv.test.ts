import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemoryKvProvider } from "@flows/cap-kv";
import { createOpendalKvProvider } from "@flows/cap-kv/opendal";
import { Operator } from "opendal";
import { afterAll } from "vitest";
import { kvConformance } from "./kv.conformance";
import { steppedClock } from "./support";

const roots: string[] = [];
const freshRoot = () => {
  const root = mkdtempSync(join(tmpdir(), "flows-kv-"));
  roots.push(root);
  return root;
};
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

kvConformance("memory", () => {
  const { clock, advance } = steppedClock();
  return { provider: createMemoryKvProvider({ clock }), advance };
});
kvConformance("opendal.memory", () => {
  const { clock, advance } = steppedClock();
  return { provider: createOpendalKvProvider(new Operator("memory", {}), { clock }), advance };
});
kvConformance("opendal.fs", () => {
  const { clock, advance } = steppedClock();
  return { provider: createOpendalKvProvider(new Operator("fs", { root: freshRoot() }), { clock }), advance };
});
