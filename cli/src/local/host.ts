import { randomUUID } from "node:crypto";
import { dirname, resolve } from "node:path";
import { createKernel, type Kernel, type Logger, type NodeRegistry, systemClock } from "@flows/kernel";
import { createFsDedupe } from "./dedupe";
import { createFsJournal } from "./journal";
import { isRunLeaseHeld, withKeyLock } from "./lease";
import { projectRelativeStack } from "./stack-paths";
import { openLocalStore } from "./store";

export interface LocalKernelOptions {
  /** Where journal, dedupe ledger and state live; `.flows` by default. */
  readonly root: string;
  readonly flows: readonly unknown[];
  readonly nodes?: NodeRegistry;
  readonly logger?: Logger;
  readonly capabilities?: Parameters<typeof createKernel>[0]["host"]["capabilities"];
}

/** A kernel for `flows run`: embedded storage on disk, no server. */
export function createLocalKernel(options: LocalKernelOptions): Kernel {
  const operator = openLocalStore(options.root);
  return createKernel({
    flows: options.flows,
    ...(options.nodes === undefined ? {} : { nodes: options.nodes }),
    // Local runs execute under their run's lease: a reservation whose run holds none was abandoned.
    dedupe: createFsDedupe(operator, systemClock, {
      ownerActive: (owner) => isRunLeaseHeld(options.root, owner),
      exclusive: (key, work) => withKeyLock(options.root, key, work),
    }),
    host: {
      journal: createFsJournal(operator),
      clock: systemClock,
      newId: () => randomUUID(),
      logger: options.logger ?? (() => {}),
      // The state folder (.flows) sits in the project: a node's stack names files from there.
      mapStack: projectRelativeStack(dirname(resolve(options.root))),
      ...(options.capabilities === undefined ? {} : { capabilities: options.capabilities }),
    },
  });
}
