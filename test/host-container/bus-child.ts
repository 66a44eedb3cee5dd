import { createBusClient } from "@flows/caps/bus";
import { openLineChannel } from "@flows/host-container";
import { childBusStreams } from "../bus/child-streams";

// The container side of the bus, as a real child process: it has no credentials and no
// storage, only the bus. It writes and reads KV through the host, then reports what it saw.

const [input, output] = await childBusStreams(process.argv[2]);

let receive: (line: string) => void = () => {};
const channel = openLineChannel(input as never, output as never, { onLine: (line) => receive(line) });
const client = createBusClient({ send: (line) => channel.send(line), timeoutMs: 5_000 });
receive = (line) => client.receive(line);

const report: Record<string, unknown> = {};
await client.call("kv.put", { key: "greeting", value: "hello from the container" });
report.value = await client.call("kv.get", { key: "greeting" });
report.parallel = await Promise.all(
  Array.from({ length: 20 }, (_, index) => client.call("kv.get", { key: index % 2 ? "greeting" : "none" })),
);
try {
  await client.call("do.get", { key: "x" });
} catch (error) {
  report.undeclared = (error as { code: string }).code;
}
process.stderr.write(`${JSON.stringify(report)}\n`);
channel.close();
process.exit(0);
