import { createMemoryJournal, type Host, type LogRecord, systemClock } from "@flows/kernel";

/** A host for kernel tests: memory journal, real clock, counting ids, captured logs. */
export function testHost(overrides: Partial<Host> = {}) {
  const journal = createMemoryJournal({ keepFinished: true });
  const logs: LogRecord[] = [];
  let next = 0;
  const host: Host = {
    journal,
    clock: systemClock,
    newId: () => {
      next += 1;
      return `run-${next}`;
    },
    logger: (record) => logs.push(record),
    ...overrides,
  };
  return { host, journal, logs };
}
