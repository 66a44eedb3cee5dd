import { capErrorFromBus } from "@flows/caps/bus";

/** What the r2 bus provider needs from a bus client. */
export interface BusCaller {
  call(method: string, params?: unknown): Promise<unknown>;
}

/** `r2.<method>` over the bus, failing with the CapError the Worker threw (or one for the bus). */
export const callerOf =
  (bus: BusCaller) =>
  <T = unknown>(method: string, params: unknown): Promise<T> =>
    bus.call(`r2.${method}`, params).then(
      (result) => result as T,
      (error: unknown) => {
        throw capErrorFromBus(error, `r2.${method}`);
      },
    );

export type R2Call = ReturnType<typeof callerOf>;
