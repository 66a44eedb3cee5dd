import { PassThrough, Writable } from "node:stream";
import { createBusClient } from "@flows/caps/bus";
import { FLUSH_BYTES, FLUSH_LINES, openLineChannel } from "@flows/host-container";
import { describe, expect, it } from "vitest";

describe("the stream transport", () => {
  it("writes the lines sent in one tick together, at most FLUSH_LINES a write, in order", async () => {
    const output = new PassThrough();
    const writes: string[] = [];
    output.on("data", (chunk: Buffer) => writes.push(chunk.toString()));
    const channel = openLineChannel(new PassThrough(), output, { onLine: () => {} });
    for (let index = 0; index < 50; index += 1) channel.send(`{"n":${index}}\n`);
    await Promise.resolve();
    channel.send('{"n":"last"}\n');
    await new Promise((resolve) => setImmediate(resolve));
    // 51 lines: three full writes of 16, then the 3 left (2 of the first burst and the last) in one.
    expect(writes.map((write) => write.split("\n").length - 1)).toEqual([FLUSH_LINES, FLUSH_LINES, FLUSH_LINES, 3]);
    expect(writes.join("").split("\n").slice(0, -1)).toEqual([
      ...Array.from({ length: 50 }, (_, index) => `{"n":${index}}`),
      '{"n":"last"}',
    ]);
  });

  it("writes a lone line before the event loop turns, and a large frame at once", async () => {
    const writes: string[] = [];
    const output = new Writable({
      write(chunk: Buffer, _encoding, done) {
        writes.push(chunk.toString());
        done();
      },
    });
    const channel = openLineChannel(new PassThrough(), output, { onLine: () => {} });
    channel.send('{"n":1}\n');
    const large = `{"chunk":"${"a".repeat(FLUSH_BYTES)}"}\n`;
    channel.send(large);
    // Both went out in the send of the large one, before any tick.
    expect(writes).toEqual([`{"n":1}\n${large}`]);
    channel.send('{"n":2}\n');
    const seenInNextTick = new Promise<string[]>((resolve) => process.nextTick(() => resolve([...writes])));
    expect(await seenInNextTick).toEqual([`{"n":1}\n${large}`, '{"n":2}\n']);
  });

  it("fails calls on a closed channel with BUS503 at once", async () => {
    const channel = openLineChannel(new PassThrough(), new PassThrough(), { onLine: () => {} });
    const client = createBusClient({ send: (line) => channel.send(line), timeoutMs: 60_000 });
    channel.close();
    await expect(client.call("kv.get", { key: "k" })).rejects.toMatchObject({ code: "BUS503", retryable: true });
    expect(client.inFlight).toBe(0);
  });
});
