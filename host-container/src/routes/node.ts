import { encodeValueStream, NDJSON_TYPE } from "@flows/caps/bus";
import { type FlowError, isAsyncIterable, type NodeContext, toFlowError } from "@flows/kernel";
import { isAny, isName, isPositiveInteger, isString, optional, readFields, required } from "../body";
import { busCapabilities } from "../caps";
import type { ContainerContext, RequestScope } from "../context";
import { errorResponse } from "../errors";
import { requestFacts } from "../meta";

/** A streamed output travels as the list of its values, as the kernel journals it. */
async function collect(output: unknown, signal: AbortSignal): Promise<unknown> {
  if (!isAsyncIterable(output)) return output;
  const values: unknown[] = [];
  for await (const value of output) {
    signal.throwIfAborted();
    values.push(value);
  }
  return values;
}

/** After its signal aborts, how long a node may take to finish (its cleanup may still use capabilities). */
const ABORT_GRACE_MS = 5_000;

/** Settles with the node; once its signal aborts, rejects when the node settles or the grace is over. */
function unlessAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  const aborted = new Promise<never>((_, reject) => {
    const stop = () => {
      const timer = setTimeout(() => reject(signal.reason), ABORT_GRACE_MS);
      const settled = () => {
        clearTimeout(timer);
        reject(signal.reason);
      };
      work.then(settled, settled);
    };
    if (signal.aborted) stop();
    else signal.addEventListener("abort", stop, { once: true });
  });
  aborted.catch(() => {});
  return Promise.race([work, aborted]);
}

/**
 * `POST /node`: one node of a flow, for a run the Worker's kernel drives. The Worker owns
 * retries, timeouts and the journal; the container runs the implementation with the
 * capabilities the node's hints grant, over the bus.
 */
export async function nodeRoute(request: Request, context: ContainerContext, scope: RequestScope): Promise<Response> {
  const body = await readFields(request, {
    flow: required(isName, "the flow's id or name (a non-empty string)"),
    node: required(isName, "a node alias of the flow (a non-empty string)"),
    input: optional(isAny),
    attempt: optional(isPositiveInteger, "a positive integer (1 on the first attempt)"),
    idempotency_key: optional(isString, "a string"),
  });
  if (!body.ok) return body.response;
  const { flow: flowName, node: alias, input, attempt, idempotency_key: idempotencyKey } = body.value;
  const flow = context.app.byName.get(flowName);
  if (flow === undefined) {
    return errorResponse(404, "FLOW404", `this container runs no flow named "${flowName}"`, { flow: flowName });
  }
  const node = flow.nodes.find((candidate) => candidate.alias === alias);
  const implementation = node === undefined ? undefined : context.app.nodes[node.identifier];
  if (node === undefined || implementation === undefined) {
    return errorResponse(
      404,
      "NODE404",
      node === undefined
        ? `flow "${flow.id}" has no node "${alias}" (nodes: ${flow.nodes.map((n) => n.alias).join(", ")})`
        : `node "${alias}" is a subflow ("${node.identifier}"): run subflows with /run`,
      { flow: flow.id, node: alias },
    );
  }
  const { meta, session, work } = scope;
  scope.label(alias);
  const log = context.logger;
  const ctx: NodeContext = {
    node: alias,
    run: { ...requestFacts(meta), run_id: meta.run_id, flow_id: flow.id },
    attempt: attempt ?? 1,
    signal: work.signal,
    caps: busCapabilities(session.bus).forNode(node) as Record<string, unknown>,
    idempotencyKey,
    // The Worker's kernel journals this node's output; values used to compute it need not be.
    now: () => Date.now(),
    random: () => Math.random(),
    halt: (() => aloneRefusal(alias, "halt")) as NodeContext["halt"],
    waitFor: (() => aloneRefusal(alias, "wait for an event")) as NodeContext["waitFor"],
    // Alone, a node has no journal to make a sleep durable: it sleeps in memory, under its signal.
    sleep: (ms) => sleepInMemory(ms, work.signal),
    sleepUntil: (at) => sleepInMemory((at instanceof Date ? at.getTime() : at) - Date.now(), work.signal),
    log: (record) => log({ ...record, node: alias, run_id: meta.run_id }),
  };
  const failure = (thrown: unknown) => {
    const error = toFlowError(thrown, alias);
    const interrupted = work.interrupted;
    return {
      status: interrupted ? 503 : 500,
      error: {
        ...error,
        code: interrupted ? "HOST503" : error.code,
        message: interrupted ? `node "${alias}" was interrupted: the container is stopping` : error.message,
        details: { ...error.details, node: alias },
        retryable: interrupted || error.retryable,
      } satisfies FlowError,
    };
  };
  try {
    const output = await unlessAborted(Promise.resolve(implementation(input ?? null, ctx)), work.signal);
    if (isAsyncIterable(output) && (request.headers.get("accept") ?? "").includes(NDJSON_TYPE)) {
      return streamOutput(output, work.signal, failure, scope.keepOpen());
    }
    const collected = await unlessAborted(collect(output, work.signal), work.signal);
    if (work.interrupted) throw work.signal.reason;
    return Response.json({ output: collected ?? null });
  } catch (thrown) {
    const { status, error } = failure(thrown);
    return errorResponse(status, error.code, error.message, error.details, error.retryable);
  }
}

/**
 * A streamed output as NDJSON: `{"value": …}` per value, pulled from the node only as the Worker
 * reads, then `{"end": true}`, or the node's failure as a coded `{"error","code","details"}` line.
 */
function streamOutput(
  output: AsyncIterable<unknown>,
  signal: AbortSignal,
  failure: (thrown: unknown) => { error: FlowError },
  close: () => void,
): Response {
  async function* lines(): AsyncGenerator<unknown> {
    try {
      for await (const value of output) {
        signal.throwIfAborted();
        yield { value };
      }
      signal.throwIfAborted();
      yield { end: true };
    } catch (thrown) {
      const { error } = failure(thrown);
      yield { error: error.message, code: error.code, details: { ...error.details, retryable: error.retryable } };
    }
  }
  return new Response(encodeValueStream(lines(), close), { status: 200, headers: { "content-type": NDJSON_TYPE } });
}

/** What a node run alone cannot do: its run's journal is in the Worker. */
function aloneRefusal(alias: string, what: string): Promise<never> {
  return Promise.reject(
    Object.assign(new Error(`node "${alias}" cannot ${what} when run alone: run the flow with /run`), {
      code: "HALT501",
      retryable: false,
    }),
  );
}

function sleepInMemory(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(resolve, Math.max(0, ms));
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
