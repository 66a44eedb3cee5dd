import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDoApi, createMemoryDoProvider } from "@flows/cap-do";
import { createOpendalDoProvider } from "@flows/cap-do/opendal";
import type { DedupeStore } from "@flows/kernel";
import { Operator } from "opendal";
import { afterAll } from "vitest";
import { dedupeConformance } from "../support/conformance/dedupe";
import { doConformance } from "./do.conformance";
import { steppedClock } from "./support";

const roots: string[] = [];
const freshRoot = () => {
  const root = mkdtempSync(join(tmpdir(), "flows-do-"));
  roots.push(root);
  return root;
};
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const providers = {
  memory: (clock: { now(): number }) => createMemoryDoProvider({ clock }),
  "opendal.memory": (clock: { now(): number }) => createOpendalDoProvider(new Operator("memory", {}), { clock }),
  "opendal.fs": (clock: { now(): number }) =>
    createOpendalDoProvider(new Operator("fs", { root: freshRoot() }), { clock }),
};

// Without a native update the capability falls back to compare-and-set retries (update.ts).
doConformance("memory, update by compare-and-set", () => {
  const { clock, advance } = steppedClock();
  const { update: _native, ...provider } = createMemoryDoProvider({ clock });
  return { provider, advance };
});

for (const [name, make] of Object.entries(providers)) {
  doConformance(name, () => {
    const { clock, advance } = steppedClock();
    return { provider: make(clock), advance };
  });
  // The ledger is the kernel's DedupeStore as is: its own contract passes against it unchanged.
  dedupeConformance(`caps/do ${name}`, () => {
    const { clock, advance } = steppedClock();
    const store: DedupeStore = createDoApi(make(clock));
    return { store, advance };
  });
}
