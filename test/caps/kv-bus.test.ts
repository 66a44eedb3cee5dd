import { createMemoryKvProvider } from "@flows/cap-kv";
import { createBusKvProvider, kvBusHandlers } from "@flows/cap-kv/bus";
import { createBusClient, createBusDispatcher } from "@flows/caps/bus";
import { kvConformance } from "./kv.conformance";
import { steppedClock } from "./support";

// The kv bus provider (the container side) against a memory provider served by the bus
// dispatcher (the Worker side), every frame encoded, sent as a line and parsed again.
kvConformance("bus → memory", () => {
  const { clock, advance } = steppedClock();
  const dispatcher = createBusDispatcher({
    handlers: { kv: kvBusHandlers(createMemoryKvProvider({ clock })) },
    allowed: new Set(["kv"]),
  });
  const client = createBusClient({
    send: (line) => {
      void dispatcher.handle(line.trimEnd()).then((answer) => {
        if (answer !== undefined) client.receive(answer.trimEnd());
      });
    },
  });
  return { provider: createBusKvProvider(client, { clock }), advance };
});
