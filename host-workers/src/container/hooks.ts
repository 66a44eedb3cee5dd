import type { ContainerFailure } from "./errors";
import type { LifecycleEvents } from "./lifecycle-events";
import { log } from "./log";

/** The process became ready. */
export interface ContainerStartEvent {
  readonly instance: string;
  readonly at: string;
  /** How many times this instance has started, this one included (since it was last removed). */
  readonly starts_total: number;
}

/** The process stopped, once per stop, with whether the restart policy brings it back. */
export interface ContainerStopEvent {
  readonly instance: string;
  readonly at: string;
  readonly exit_code: number;
  /** Not asked for (an operator's stop, sleep) and not a clean exit. */
  readonly crash: boolean;
  readonly requested: boolean;
  readonly restart: boolean;
}

/** Something an operator may have to act on: a failed start, an incomplete environment, a crash loop. */
export interface ContainerErrorEvent {
  readonly instance: string;
  readonly at: string;
  readonly code: string;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
  readonly retryable: boolean;
}

type Hook<Event, Env> = (event: Event, env: Env) => void | Promise<void>;

/**
 * User hooks on a container instance's lifecycle, from `createProjectWorker`'s `containerHooks`
 * (e.g. page someone on a crash loop, count starts in KV). They run beside the lifecycle, never
 * in its way: a slow hook delays nothing and a failing one is logged, not rethrown.
 */
export interface ContainerHooks<Env = Record<string, unknown>> {
  readonly onStart?: Hook<ContainerStartEvent, Env>;
  readonly onStop?: Hook<ContainerStopEvent, Env>;
  readonly onError?: Hook<ContainerErrorEvent, Env>;
}

/** The hooks of one instance, each call handed to `waitUntil` so the instance stays up while it runs. */
export function createHookRunner<Env>(
  hooks: ContainerHooks<Env> | undefined,
  env: () => Env,
  waitUntil: (promise: Promise<unknown>) => void,
) {
  const run = <Event extends { readonly instance: string }>(
    name: keyof ContainerHooks<Env>,
    hook: Hook<Event, Env> | undefined,
    event: Event,
  ) => {
    if (hook === undefined) return;
    const called = (async () => hook(event, env()))().catch((error: unknown) => {
      log({
        level: "error",
        message: "container hook failed",
        hook: name,
        instance: event.instance,
        error: error instanceof Error ? error.message : String(error),
      });
    });
    waitUntil(called);
  };
  return {
    started: (event: ContainerStartEvent) => run("onStart", hooks?.onStart, event),
    stopped: (event: ContainerStopEvent) => run("onStop", hooks?.onStop, event),
    failed: (instance: string, failure: ContainerFailure) => {
      const { retryable, ...details } = failure.details;
      run("onError", hooks?.onError, {
        instance,
        at: new Date().toISOString(),
        code: failure.code,
        message: failure.error,
        details,
        retryable,
      });
    },
  };
}

export type HookRunner = ReturnType<typeof createHookRunner>;

/** The lifecycle's events as the hooks' snake_case events of the instance `name()` answers. */
export function hookEvents(hooks: HookRunner, name: () => string): LifecycleEvents {
  return {
    stopped: (stop) =>
      hooks.stopped({
        instance: name(),
        at: new Date(stop.at).toISOString(),
        exit_code: stop.exitCode,
        crash: stop.crash,
        requested: stop.requested,
        restart: stop.restart,
      }),
    failed: (failure) => hooks.failed(name(), failure),
  };
}
