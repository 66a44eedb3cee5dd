import { connect } from "node:net";
import { createR2Api } from "@flows/cap-r2";
import { createBusR2Provider } from "@flows/cap-r2/bus";
import { createBusClient } from "@flows/caps/bus";
import { openLineChannel } from "@flows/host-container";

// The container side of r2 on the bus, as a real child process with no storage of its own:
// it writes an 8 MiB object through the host and reads it back, whole and in a range, then
// reports what it saw on stderr.

const MiB = 1024 * 1024;
const TOTAL = 8 * MiB + 3;
const byteAt = (index: number) => (index * 7 + 3) % 256;

function source(total: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const size = Math.min(200_000, total - sent);
      const piece = new Uint8Array(size);
      for (let i = 0; i < size; i += 1) piece[i] = byteAt(sent + i);
      sent += size;
      controller.enqueue(piece);
      if (sent >= total) controller.close();
    },
  });
}

function matches(bytes: Uint8Array, from: number): boolean {
  for (let i = 0; i < bytes.byteLength; i += 1) if (bytes[i] !== byteAt(from + i)) return false;
  return true;
}

const socketPath = process.argv[2];
const [input, output] =
  socketPath === undefined
    ? [process.stdin, process.stdout]
    : await new Promise<[NodeJS.ReadableStream, NodeJS.WritableStream]>((resolve) => {
        const socket = connect(socketPath, () => resolve([socket, socket]));
      });

let receive: (line: string) => void = () => {};
let largestAnswer = 0;
const channel = openLineChannel(input as never, output as never, {
  onLine: (line) => {
    largestAnswer = Math.max(largestAnswer, Buffer.byteLength(line));
    receive(line);
  },
});
const client = createBusClient({ send: (line) => channel.send(line), timeoutMs: 20_000 });
receive = (line) => client.receive(line);
const r2 = createR2Api(createBusR2Provider(client));

const report: Record<string, unknown> = {};
const stored = await r2.put("child/big.bin", source(TOTAL), { size: TOTAL, contentType: "application/x-test" });
report.stored = { size: stored?.size, contentType: stored?.contentType };
const whole = await (await r2.get("child/big.bin"))?.bytes();
report.whole = whole !== undefined && whole.byteLength === TOTAL && matches(whole, 0);
const part = await r2.get("child/big.bin", { range: { offset: 3 * MiB + 1, length: 2 * MiB } });
const partBytes = await part?.bytes();
report.range = partBytes !== undefined && partBytes.byteLength === 2 * MiB && matches(partBytes, 3 * MiB + 1);
try {
  await r2.get("child/big.bin", { range: { offset: TOTAL } });
} catch (error) {
  report.pastEnd = (error as { code: string }).code;
}
report.largestAnswer = largestAnswer;
process.stderr.write(`${JSON.stringify(report)}\n`);
channel.close();
process.exit(0);
