import { createMemoryKvProvider } from "@flows/cap-kv";
import { createBusKvProvider, kvBusHandlers } from "@flows/cap-kv/bus";
import { busPair } from "./bus-pair";
import { kvConformance } from "./kv.conformance";
import { steppedClock } from "./support";

// The kv bus provider (the container side) against a memory provider served by the bus
// dispatcher (the Worker side), every frame encoded, sent as a line and parsed again.
kvConformance("bus → memory", () => {
  const { clock, advance } = steppedClock();
  const client = busPair("kv", kvBusHandlers(createMemoryKvProvider({ clock })));
  return { provider: createBusKvProvider(client, { clock }), advance };
});
