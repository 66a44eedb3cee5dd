import { createDoApi, createMemoryDoProvider } from "@flows/cap-do";
import { createBusDoProvider, doBusHandlers } from "@flows/cap-do/bus";
import type { DedupeStore } from "@flows/kernel";
import { dedupeConformance } from "../support/conformance/dedupe";
import { busPair } from "./bus-pair";
import { doConformance } from "./do.conformance";
import { steppedClock } from "./support";

// Durable Object state and the dedupe ledger over the host command bus (container side)
// against a memory provider served by the dispatcher (Worker side).
function busDo() {
  const { clock, advance } = steppedClock();
  const provider = createBusDoProvider(busPair("do", doBusHandlers(createMemoryDoProvider({ clock }))), { clock });
  return { provider, advance };
}

doConformance("bus → memory", busDo);
dedupeConformance("caps/do bus → memory", () => {
  const { provider, advance } = busDo();
  const store: DedupeStore = createDoApi(provider);
  return { store, advance };
});
