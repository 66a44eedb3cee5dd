import { doCapability } from "@flows/cap-do";
import { kvCapability } from "@flows/cap-kv";
import { queueCapability } from "@flows/cap-queue";
import { r2Capability } from "@flows/cap-r2";
import { hintRegistryFor } from "@flows/caps";

/** Every capability bundled with flows, so `flows validate` enforces the whole hint table. */
export const BUNDLED_CAPABILITIES = [kvCapability, r2Capability, queueCapability, doCapability] as const;

export const bundledRegistry = () => hintRegistryFor(BUNDLED_CAPABILITIES);
