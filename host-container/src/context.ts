import type { FlowsMeta } from "@flows/caps/bus";
import type { Logger } from "@flows/kernel";
import type { PreparedApp } from "./app";
import type { BusConnection, BusSession } from "./bus/connect";
import type { Work } from "./shutdown";

/** What a route needs: the app, the bus, the logger. */
export interface ContainerContext {
  readonly app: PreparedApp;
  readonly bus: BusConnection;
  readonly logger: Logger;
  /** Run ids with a `/run` executing here: a second one at the same time would run nodes twice. */
  readonly activeRuns: Set<string>;
}

/** One admitted request: its run's meta, its bus session and its place in the drain. */
export interface RequestScope {
  readonly meta: FlowsMeta;
  readonly session: BusSession;
  readonly work: Work;
}
