import { env } from "cloudflare:workers";
import { createCloudflareKvProvider } from "@flows/cap-kv/workers";
import { kvConformance } from "../caps/kv.conformance";

// The same contract as the memory and OpenDAL providers, against the real KV binding.
kvConformance("cloudflare.kv", () => ({ provider: createCloudflareKvProvider(env.CAPS_KV) }), {
  movableClock: false,
});
