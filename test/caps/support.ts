// Helpers the conformance suites share. Web-standard APIs only: these files also run inside workerd.

/** A fresh key prefix per test, because real bindings keep their data between tests. */
export function uniquePrefix(label = "t"): string {
  return `${label}-${crypto.randomUUID().slice(0, 8)}/`;
}

/** A clock that tests move by hand, for stepping local providers past TTLs. */
export function steppedClock(start = Date.UTC(2030, 0, 1)) {
  let now = start;
  return {
    clock: { now: () => now },
    advance: (ms: number) => {
      now += ms;
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
