import { FLOWS_META_HEADER, type FlowsMeta, NDJSON_TYPE } from "@flows/caps/bus";
import type { BusGrants } from "./bus-grants";
import type { ContainerAnswer, ContainerCall } from "./container-types";
import { CONTAINER_ERROR_CODES, containerFailure } from "./errors";
import type { InFlightCalls } from "./in-flight";
import type { ContainerLedger } from "./ledger";
import type { ContainerHost, Lifecycle } from "./lifecycle";
import { log } from "./log";
import type { ContainerSettings } from "./settings";

/** How long a request waits for a process that stopped answering to be reported stopped. */
const STOP_SETTLE_MS = 5_000;

/** The Container instance as forwarding reaches it: the policy's view plus the process's port. */
export interface ForwardHost extends ContainerHost {
  fetch(request: Request): Promise<Response>;
}

const cancelledFailure = (runId: string) => ({
  error: `run ${runId} was cancelled`,
  code: "RUN499",
  details: { run_id: runId, retryable: false },
});

/**
 * Forwards `/run`, `/resume` and `/node` to the container with the `x-flows-meta` header,
 * granting the bus to the run while the call lasts, repeating a replay-safe call after the
 * process died, and cancelling the calls of a run.
 */
export function createForwarding(deps: {
  readonly settings: ContainerSettings;
  readonly ledger: ContainerLedger;
  readonly lifecycle: Lifecycle;
  readonly grants: BusGrants;
  readonly inFlight: InFlightCalls;
  readonly host: ForwardHost;
}) {
  const { settings, ledger, lifecycle, grants, inFlight, host } = deps;

  const call = async (call: ContainerCall): Promise<ContainerAnswer> => {
    const runId = call.meta.run_id;
    const releaseGrant = grants.hold(runId, {
      flow_id: call.meta.flow_id,
      capabilities: call.capabilities,
      journal: call.journal,
    });
    const tracked = inFlight.add(runId, call.node);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      releaseGrant();
      tracked.release();
    };
    let handedOff = false;
    try {
      let { path, body } = call;
      // Each failed attempt is a recorded crash, so protection ends the loop; the bound is a backstop.
      for (let attempt = 1; attempt <= settings.crashLoop.maxCrashes + 1; attempt += 1) {
        const refused = await lifecycle.ensureRunning();
        if (refused) return { status: 503, body: refused };
        if (tracked.call.cancelled) return { status: 499, body: cancelledFailure(runId) };
        const servedBy = (await host.getState()).lastChange;
        const response = await host.fetch(
          new Request(`http://container${path}`, {
            method: "POST",
            headers: {
              "content-type": "application/json",
              [FLOWS_META_HEADER]: JSON.stringify(call.meta),
              ...(call.stream === true ? { accept: `${NDJSON_TYPE}, application/json` } : {}),
            },
            body: JSON.stringify(body),
            signal: tracked.call.abort.signal,
          }),
        );
        const type = response.headers.get("content-type") ?? "";
        if (call.stream === true && type.includes(NDJSON_TYPE) && response.body !== null) {
          // The run goes on while the lines stream: the bus keeps serving it until they end.
          const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
          void response.body
            .pipeTo(writable)
            .catch(() => {})
            .finally(release);
          handedOff = true;
          return { status: response.status, body: null, stream: readable };
        }
        // The runtime answers JSON; anything else is the library telling us the process went away.
        if (type.includes("application/json")) {
          return { status: response.status, body: await response.json() };
        }
        const reason = await response.text();
        if (tracked.call.cancelled) return { status: 499, body: cancelledFailure(runId) };
        const stopped = await lifecycle.settledStop(STOP_SETTLE_MS, servedBy);
        if (stopped === undefined) {
          return {
            status: 503,
            body: containerFailure(CONTAINER_ERROR_CODES.unavailable, `the container did not answer: ${reason}`),
          };
        }
        lifecycle.observe(stopped);
        if (!call.replaySafe) {
          return {
            status: 503,
            body: containerFailure(
              CONTAINER_ERROR_CODES.lost,
              `the container process exited while serving ${call.path} and the call is not safe to repeat`,
              { instance: host.name(), exit_code: ledger.view(Date.now()).lastExit?.exitCode ?? null },
            ),
          };
        }
        if (call.repeat !== undefined) ({ path, body } = call.repeat);
        log({ level: "warn", message: "container call repeated after a restart", run_id: runId, attempt });
      }
      return {
        status: 503,
        body: containerFailure(CONTAINER_ERROR_CODES.lost, `the container kept exiting while serving ${call.path}`),
      };
    } finally {
      if (!handedOff) release();
    }
  };

  const cancel = async (meta: FlowsMeta, node?: string): Promise<{ calls: number; reached: boolean }> => {
    const calls = inFlight.of(meta.run_id, node);
    if (calls.length === 0) return { calls: 0, reached: false };
    for (const call of calls) call.cancelled = true;
    let reached = false;
    // Never start a process just to cancel: a stopped one runs nothing.
    if (host.running()) {
      try {
        const response = await host.fetch(
          new Request("http://container/cancel", {
            method: "POST",
            headers: { "content-type": "application/json", [FLOWS_META_HEADER]: JSON.stringify(meta) },
            body: JSON.stringify(node === undefined ? {} : { node }),
          }),
        );
        // Reached only when it found the work: a request still on its way there is cut off below.
        const json = (response.headers.get("content-type") ?? "").includes("json");
        const answer = json ? ((await response.json()) as { cancelled?: unknown }) : {};
        if (!json) await response.body?.cancel();
        reached = response.status === 200 && typeof answer.cancelled === "number" && answer.cancelled > 0;
      } catch {
        reached = false;
      }
    }
    // A runtime that could not be told is cut off instead: its work is interrupted, not finished.
    if (!reached) for (const call of calls) call.abort.abort(cancelledFailure(meta.run_id));
    log({ level: "info", message: "container run cancelled", run_id: meta.run_id, node, reached });
    return { calls: calls.length, reached };
  };

  return { call, cancel };
}
