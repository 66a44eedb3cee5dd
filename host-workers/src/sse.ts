import type { FlowError } from "@flows/kernel";

const encoder = new TextEncoder();

/**
 * Serves values as Server-Sent Events: one `data:` event per value as soon as it exists, an
 * `error` event with the error envelope on failure, an `end` event with the outcome. When the
 * client goes away the writes fail and `onDisconnect` cancels the run.
 */
export function eventStream(
  produce: (send: (event: string | undefined, data: unknown) => Promise<boolean>) => Promise<void>,
  onDisconnect: () => void,
): Response {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  let open = true;
  const disconnected = () => {
    if (!open) return;
    open = false;
    onDisconnect();
  };
  // A client that goes away while nothing is being written (a node waiting) is noticed too.
  writer.closed.catch(disconnected);
  const send = async (event: string | undefined, data: unknown): Promise<boolean> => {
    if (!open) return false;
    const lines = `${event === undefined ? "" : `event: ${event}\n`}data: ${JSON.stringify(data ?? null)}\n\n`;
    try {
      await writer.write(encoder.encode(lines));
      return true;
    } catch {
      disconnected();
      return false;
    }
  };
  produce(send)
    .catch(() => {})
    .finally(() => {
      if (open) writer.close().catch(() => {});
    });
  return new Response(readable, {
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" },
  });
}

export function errorEvent(error: FlowError): { error: string; code: string; details: unknown } {
  return { error: error.message, code: error.code, details: error.details };
}
