import { connect } from "node:net";
import { r2BusHandlers } from "@flows/cap-r2/bus";
import { createOpendalR2Provider } from "@flows/cap-r2/opendal";
import { createBusDispatcher, JOURNAL_MESSAGE_LIMITS, journalBusHandlers } from "@flows/caps/bus";
import { createLineWriter, serveBusOnStreams } from "@flows/host-container";
import { createMemoryJournal } from "@flows/kernel";
import { Operator } from "opendal";

// The far end of the bus benchmark, run as its own process: `bus` serves an `echo.echo`
// method (and r2 on OpenDAL memory, and a memory run journal) through the real dispatcher and stream transport; `raw`
// echoes each NDJSON line back as it came, with no bus at all (the floor), one write a line;
// `raw-batched` does the same through the bus's batching line writer. argv: mode, then a Unix
// socket path or nothing for stdio.

const [mode, socketPath] = process.argv.slice(2);

const streams =
  socketPath === undefined
    ? Promise.resolve({ input: process.stdin, output: process.stdout })
    : new Promise<{ input: NodeJS.ReadableStream; output: NodeJS.WritableStream }>((resolve) => {
        const socket = connect(socketPath, () => resolve({ input: socket, output: socket }));
      });

const { input, output } = await streams;
if (mode === "bus") {
  const dispatcher = createBusDispatcher({
    handlers: {
      echo: { echo: (params) => params },
      r2: r2BusHandlers(createOpendalR2Provider(new Operator("memory", {}))),
      // A run journal as the Worker's run object keeps it: node outputs larger than a frame
      // arrive (and are read back) in parts.
      journal: journalBusHandlers(createMemoryJournal()),
    },
    allowed: new Set(["echo", "r2", "journal"]),
    messageLimits: JOURNAL_MESSAGE_LIMITS,
  });
  serveBusOnStreams(input, output, dispatcher, { onClose: () => process.exit(0) });
} else {
  // The floor: split on newlines, write each line straight back.
  const write =
    mode === "raw-batched"
      ? createLineWriter(output as never).send
      : (line: string) => {
          output.write(line);
        };
  let pending = "";
  input.on("data", (chunk: Buffer) => {
    const text = pending + chunk.toString("utf8");
    let start = 0;
    for (let end = text.indexOf("\n"); end !== -1; end = text.indexOf("\n", start)) {
      write(text.slice(start, end + 1));
      start = end + 1;
    }
    pending = text.slice(start);
  });
  input.on("end", () => process.exit(0));
}
