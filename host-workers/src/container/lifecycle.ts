import type { State } from "@cloudflare/containers";
import type { ContainerStatus } from "./container-types";
import { CONTAINER_ERROR_CODES, type ContainerFailure, containerFailure, crashLoopDetected } from "./errors";
import type { ContainerLedger } from "./ledger";
import { log } from "./log";
import { restartsAfter } from "./restart-policy";
import type { ContainerSettings } from "./settings";
import { StartRefusal } from "./start-env";

/** What the restart and crash-loop policy needs from the Container instance it governs. */
export interface ContainerHost {
  getState(): Promise<State>;
  running(): boolean;
  start(): Promise<void>;
  name(): string;
  alwaysOn(): boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The restart and crash-loop state machine: records stops in the ledger (once each), decides
 * whether a restart follows (`restart_policy`), refuses to start after `max_crashes` inside
 * `window_ms` (CrashLoopDetected) and reports the instance's status.
 */
export function createLifecycle(settings: ContainerSettings, ledger: ContainerLedger, host: ContainerHost) {
  const record = (key: string, exitCode: number) => {
    const outcome = ledger.recordStop(key, exitCode, Date.now());
    if (outcome.first) {
      log({
        level: outcome.crash ? "warn" : "info",
        message: outcome.tripped ? "container crash loop detected" : "container stopped",
        instance: host.name(),
        exit_code: exitCode,
        crash: outcome.crash,
        policy: settings.restartPolicy,
      });
    }
    return outcome;
  };

  /** Records a stop with its exit code (once, however many paths see it) and whether a restart follows. */
  const stopped = (key: string, exitCode: number): void => {
    const outcome = record(key, exitCode);
    if (outcome.first && restartsAfter(settings.restartPolicy, outcome)) ledger.setRestartPending(true);
  };

  /** Records a stop the library reported with an exit code. */
  const observe = (state: State): void => {
    if (state.status !== "stopped_with_code") return;
    stopped(String(state.lastChange), state.exitCode ?? 0);
  };

  /**
   * Waits until a process that stopped answering is reported stopped, or was already replaced
   * (its state changed since `since`, e.g. the alarm restarted it); undefined if it still runs.
   */
  const settledStop = async (limitMs: number, since?: number): Promise<State | undefined> => {
    const until = Date.now() + limitMs;
    for (;;) {
      const state = await host.getState();
      if (!host.running() && state.status !== "running" && state.status !== "healthy") return state;
      if (since !== undefined && state.lastChange !== since) return state;
      if (Date.now() > until) return undefined;
      await sleep(25);
    }
  };

  /** After a failed start: the exit, once the library reports it. */
  const observeSettled = async (): Promise<void> => {
    const settled = await settledStop(1_000);
    if (settled !== undefined) observe(settled);
  };

  const refusal = (): ContainerFailure | undefined => {
    const view = ledger.view(Date.now());
    const name = host.name();
    if (view.trippedAt !== undefined) {
      return crashLoopDetected(name, view.crashesInWindow, settings.crashLoop.windowMs, view.trippedAt);
    }
    if (settings.restartPolicy === "never" && view.downFromCrash && !host.alwaysOn()) {
      return containerFailure(
        CONTAINER_ERROR_CODES.down,
        `container instance "${name}" crashed and its restart policy is never: it stays down until POST /containers/${name}/reset`,
        { instance: name, exit_code: view.lastExit?.exitCode ?? null },
      );
    }
    return undefined;
  };

  /** Starts the process when the policy allows; a refusal is the typed error the caller answers. */
  const ensureRunning = async (): Promise<ContainerFailure | undefined> => {
    for (let attempt = 0; attempt <= settings.crashLoop.maxCrashes + 1; attempt += 1) {
      if (!host.running()) observe(await host.getState());
      const refused = refusal();
      if (refused) return refused;
      if (host.running() && (await host.getState()).status === "healthy") return undefined;
      try {
        await host.start();
        return undefined;
      } catch (error) {
        // Nothing was started: no crash to count, and trying again cannot help.
        if (error instanceof StartRefusal) return error.failure;
        if (host.running()) {
          return containerFailure(CONTAINER_ERROR_CODES.unavailable, `the container did not become ready: ${error}`);
        }
        // It exited while starting (onError recorded it): try again unless that tripped protection.
        await observeSettled();
      }
    }
    return containerFailure(CONTAINER_ERROR_CODES.unavailable, "the container could not be started");
  };

  const status = (state: State): ContainerStatus => {
    const view = ledger.view(Date.now());
    const refused = refusal();
    return {
      name: host.name(),
      state:
        refused?.code === CONTAINER_ERROR_CODES.crashLoop
          ? "crash_loop"
          : refused?.code === CONTAINER_ERROR_CODES.down
            ? "down"
            : state.status,
      running: host.running(),
      policy: settings.restartPolicy,
      always_on: host.alwaysOn(),
      crashes: view.crashesInWindow,
      crashes_total: view.crashesTotal,
      crash_loop: {
        max_crashes: settings.crashLoop.maxCrashes,
        window_ms: settings.crashLoop.windowMs,
        tripped_at: view.trippedAt === undefined ? null : new Date(view.trippedAt).toISOString(),
      },
      last_exit:
        view.lastExit === undefined
          ? null
          : {
              code: view.lastExit.exitCode,
              at: new Date(view.lastExit.at).toISOString(),
              crash: view.lastExit.crash,
            },
    };
  };

  return { stopped, observe, settledStop, observeSettled, ensureRunning, status };
}

export type Lifecycle = ReturnType<typeof createLifecycle>;
