import type { ContainerFailure } from "./errors";

/** What the lifecycle tells the user's hooks: each stop once, and failures an operator may act on. */
export interface LifecycleEvents {
  stopped(stop: { exitCode: number; crash: boolean; requested: boolean; restart: boolean; at: number }): void;
  failed(failure: ContainerFailure): void;
}
