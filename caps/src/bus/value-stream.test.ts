import { describe, expect, it } from "vitest";
import { decodeValueStream, encodeValueStream } from "./value-stream";

const bytes = (text: string) => new TextEncoder().encode(text);

function streamOf(...chunks: string[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(bytes(chunk));
      controller.close();
    },
  });
}

async function collect(iterable: AsyncIterable<unknown>): Promise<unknown[]> {
  const values: unknown[] = [];
  for await (const value of iterable) values.push(value);
  return values;
}

describe("NDJSON value streams", () => {
  it("round-trips values, one line each, however the bytes are chunked", async () => {
    async function* source() {
      yield { a: 1 };
      yield "ünï 🚀";
      yield null;
      yield undefined;
    }
    expect(await collect(decodeValueStream(encodeValueStream(source())))).toEqual([{ a: 1 }, "ünï 🚀", null, null]);
    expect(await collect(decodeValueStream(streamOf('{"a"', ":1}\n[2", "]\n3")))).toEqual([{ a: 1 }, [2], 3]);
  });

  it("pulls from the source only as the reader reads, and returns it when the reader stops", async () => {
    let produced = 0;
    let returned = false;
    let ended = 0;
    async function* source() {
      try {
        for (;;) {
          produced += 1;
          yield produced;
        }
      } finally {
        returned = true;
      }
    }
    const values = decodeValueStream(encodeValueStream(source(), () => (ended += 1)));
    for await (const value of values) if (value === 3) break;
    expect(produced).toBeLessThanOrEqual(4);
    expect(returned).toBe(true);
    expect(ended).toBe(1);
  });

  it("fails with a code on a line that is not JSON or exceeds the cap", async () => {
    await expect(collect(decodeValueStream(streamOf("1\n{oops\n")))).rejects.toMatchObject({ code: "BUS400" });
    await expect(collect(decodeValueStream(streamOf(`"${"x".repeat(64)}"\n`), 16))).rejects.toMatchObject({
      code: "BUS413",
    });
  });

  it("errors the stream when the source throws, and still ends once", async () => {
    let ended = 0;
    async function* source() {
      yield 1;
      throw new Error("broken");
    }
    const values = decodeValueStream(encodeValueStream(source(), () => (ended += 1)));
    await expect(collect(values)).rejects.toThrow("broken");
    expect(ended).toBe(1);
  });
});
