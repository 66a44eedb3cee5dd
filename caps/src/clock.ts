/** Time as local providers see it; tests pass a manual clock to step past TTLs. */
export interface CapClock {
  now(): number;
}

export const systemCapClock: CapClock = { now: () => Date.now() };
