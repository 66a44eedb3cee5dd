import { env } from "cloudflare:workers";
import { createCloudflareR2Provider } from "@flows/cap-r2/workers";
import { r2Conformance } from "../caps/r2.conformance";

// The same contract as the OpenDAL providers, against the real R2 binding.
r2Conformance("cloudflare.r2", () => createCloudflareR2Provider(env.CAPS_R2));
