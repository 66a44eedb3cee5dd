import type { R2Call } from "./caller";
import { decodeBytes } from "./wire";

/**
 * A download body as a stream that pulls numbered reads from the Worker, at most `window` of
 * them in flight, so the container holds at most `window` chunks whatever the object's size.
 * Every read but the last is `chunkBytes` long, so no read is asked for past the end.
 * Cancelling the stream tells the Worker to let go of the object now.
 */
export function receiveBody(
  call: R2Call,
  stream: string,
  length: number,
  limits: { readonly chunkBytes: number; readonly window: number },
): ReadableStream<Uint8Array> {
  const reads = Math.max(1, Math.ceil(length / limits.chunkBytes));
  const inFlight: Promise<{ data: string; done: boolean }>[] = [];
  let asked = 0;
  let ended = false;
  const fill = () => {
    while (!ended && asked < reads && inFlight.length < limits.window) {
      const read = call<{ data: string; done: boolean }>("bodyRead", { stream, seq: asked });
      // Reads left behind by a cancel or an earlier failure must not surface as unhandled.
      read.catch(() => {});
      inFlight.push(read);
      asked += 1;
    }
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        fill();
        const next = inFlight.shift();
        if (next === undefined) {
          ended = true;
          controller.close();
          return;
        }
        try {
          const chunk = await next;
          if (ended) return;
          controller.enqueue(decodeBytes(chunk.data, "a body chunk"));
          if (chunk.done || (asked >= reads && inFlight.length === 0)) {
            ended = true;
            controller.close();
          } else fill();
        } catch (error) {
          if (ended) return;
          ended = true;
          controller.error(error);
          void call("bodyCancel", { stream }).catch(() => {});
        }
      },
      cancel() {
        if (ended) return;
        ended = true;
        void call("bodyCancel", { stream }).catch(() => {});
      },
    },
    { highWaterMark: 0 },
  );
}
