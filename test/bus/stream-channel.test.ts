import { PassThrough } from "node:stream";
import { createBusClient } from "@flows/caps/bus";
import { openLineChannel } from "@flows/host-container";
import { describe, expect, it } from "vitest";

describe("the stream transport", () => {
  it("writes the lines sent in one tick in one write, in order", async () => {
    const output = new PassThrough();
    const writes: string[] = [];
    output.on("data", (chunk: Buffer) => writes.push(chunk.toString()));
    const channel = openLineChannel(new PassThrough(), output, { onLine: () => {} });
    for (let index = 0; index < 50; index += 1) channel.send(`{"n":${index}}\n`);
    await Promise.resolve();
    channel.send('{"n":"last"}\n');
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toHaveLength(1);
    expect(writes[0]?.split("\n").slice(0, -1)).toEqual([
      ...Array.from({ length: 50 }, (_, index) => `{"n":${index}}`),
      '{"n":"last"}',
    ]);
  });

  it("fails calls on a closed channel with BUS503 at once", async () => {
    const channel = openLineChannel(new PassThrough(), new PassThrough(), { onLine: () => {} });
    const client = createBusClient({ send: (line) => channel.send(line), timeoutMs: 60_000 });
    channel.close();
    await expect(client.call("kv.get", { key: "k" })).rejects.toMatchObject({ code: "BUS503", retryable: true });
    expect(client.inFlight).toBe(0);
  });
});
