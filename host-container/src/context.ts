import type { FlowsMeta } from "@flows/caps/bus";
import type { Logger } from "@flows/kernel";
import type { PreparedApp } from "./app";
import type { BusConnection, BusSession } from "./bus/connect";
import type { RunRegistry } from "./runs";
import type { Work } from "./shutdown";

/** What a route needs: the app, the bus, the logger. */
export interface ContainerContext {
  readonly app: PreparedApp;
  readonly bus: BusConnection;
  readonly logger: Logger;
  /** Run ids with a `/run` executing here: a second one at the same time would run nodes twice. */
  readonly activeRuns: Set<string>;
  /** Every request's work by run id, for `POST /cancel`. */
  readonly runs: RunRegistry;
}

/** One admitted request: its run's meta, its bus session and its place in the drain. */
export interface RequestScope {
  readonly meta: FlowsMeta;
  readonly session: BusSession;
  readonly work: Work;
  /** Names the node this request runs, so a cancellation of that node alone reaches it. */
  label(node: string): void;
  /**
   * For a streamed answer: the request's session and work stay open after the route returns,
   * until the returned function is called (when the stream ends).
   */
  keepOpen(): () => void;
}
