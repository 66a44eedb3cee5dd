import { env } from "cloudflare:workers";
import { createBusR2Provider, r2BusHandlers } from "@flows/cap-r2/bus";
import { createCloudflareR2Provider } from "@flows/cap-r2/workers";
import { busPair } from "../caps/bus-pair";
import { r2Conformance } from "../caps/r2.conformance";

// The Worker side of r2 on the bus, serving the real R2 binding inside workerd, to the
// container-side provider through lines encoded and parsed as on any transport.
r2Conformance("bus → cloudflare.r2", () =>
  createBusR2Provider(busPair("r2", r2BusHandlers(createCloudflareR2Provider(env.CAPS_R2)))),
);
