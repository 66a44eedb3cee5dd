import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";

export interface LedgerEntry {
  readonly effect: string;
  readonly key: string;
  readonly [field: string]: unknown;
}

/**
 * The outside world the example's effectful nodes touch (a payment provider, couriers),
 * written as an append-only ledger. Like a real payment API it honours idempotency keys: a
 * second request with the same key returns the first result instead of charging again.
 */
export function openLedger(path: string) {
  const entries = (): LedgerEntry[] => {
    if (!existsSync(path)) return [];
    const parsed: LedgerEntry[] = [];
    for (const line of readFileSync(path, "utf8").split("\n")) {
      if (line.trim() === "") continue;
      try {
        parsed.push(JSON.parse(line) as LedgerEntry);
      } catch {
        // A line torn by a killed process never completed; the request will be repeated.
      }
    }
    return parsed;
  };
  return {
    path,
    entries,
    /** Performs `effect` once per key: later calls return what the first one recorded. */
    once(effect: string, key: string, perform: () => Record<string, unknown>): LedgerEntry {
      const previous = entries().find((entry) => entry.effect === effect && entry.key === key);
      if (previous) return previous;
      const entry: LedgerEntry = { effect, key, ...perform() };
      mkdirSync(dirname(path), { recursive: true });
      const text = existsSync(path) ? readFileSync(path, "utf8") : "";
      const lead = text === "" || text.endsWith("\n") ? "" : "\n";
      appendFileSync(path, `${lead}${JSON.stringify(entry)}\n`);
      return entry;
    },
  };
}
