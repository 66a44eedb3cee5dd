import { DEFAULT_MAX_FRAME_BYTES } from "./frames";
import { createLineReader } from "./line-reader";

/** The content type of a stream of JSON values, one per line (a container's streamed answers). */
export const NDJSON_TYPE = "application/x-ndjson";

const encoder = new TextEncoder();

/**
 * A source of JSON values as NDJSON bytes, one line per value. Values are pulled from the source
 * only as the reader asks for more, so a slow reader holds the producer back instead of buffering
 * it; cancelling the stream returns the source's iterator (its `finally` blocks run). `onEnd`
 * runs once, however the stream ends.
 */
export function encodeValueStream(
  source: AsyncIterable<unknown>,
  onEnd: () => void = () => {},
): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    onEnd();
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const step = await iterator.next();
          if (step.done) {
            controller.close();
            end();
            return;
          }
          controller.enqueue(encoder.encode(`${JSON.stringify(step.value ?? null)}\n`));
        } catch (error) {
          controller.error(error);
          end();
        }
      },
      async cancel() {
        try {
          await iterator.return?.();
        } finally {
          end();
        }
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * The values of an NDJSON byte stream, parsed line by line as they arrive. A line that is not
 * JSON or exceeds `maxLineBytes` fails the iteration with `BUS400` / `BUS413`; leaving the loop
 * early cancels the stream, which tells the producer to stop.
 */
export async function* decodeValueStream(
  body: ReadableStream<Uint8Array>,
  maxLineBytes = DEFAULT_MAX_FRAME_BYTES,
): AsyncGenerator<unknown, void, undefined> {
  const reader = body.getReader();
  const lines: string[] = [];
  let oversize: number | undefined;
  const lineReader = createLineReader({
    maxLineBytes,
    onLine: (line) => lines.push(line),
    onOversize: (bytes) => {
      oversize ??= bytes;
    },
  });
  let done = false;
  try {
    for (;;) {
      while (lines.length > 0) {
        const line = lines.shift() as string;
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch {
          throw Object.assign(new Error(`a streamed line is not JSON: ${line.slice(0, 80)}`), {
            code: "BUS400",
            retryable: false,
          });
        }
        yield value;
      }
      if (oversize !== undefined) {
        throw Object.assign(new Error(`a streamed line of ${oversize} bytes exceeds the ${maxLineBytes}-byte limit`), {
          code: "BUS413",
          retryable: false,
        });
      }
      if (done) return;
      const chunk = await reader.read();
      if (chunk.done) {
        done = true;
        lineReader.push(new Uint8Array([0x0a]));
      } else lineReader.push(chunk.value);
    }
  } finally {
    if (!done) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
