import type { RunEvent } from "@flows/kernel";

const SYMBOLS: Record<string, string> = {
  completed: "✓",
  replayed: "↺",
  skipped: "–",
  failed: "✗",
  halted: "⏸",
};

/** Per-node progress lines for a person watching a terminal. */
export function progressPrinter(write: (text: string) => void): (event: RunEvent) => void {
  return (event) => {
    switch (event.type) {
      case "node-started":
        if (event.attempt > 1) write(`  … ${event.node} attempt ${event.attempt}\n`);
        return;
      case "node-retrying":
        write(`  ↻ ${event.node} failed (${event.code}), retrying in ${event.delayMs} ms\n`);
        return;
      case "node-finished": {
        const symbol = SYMBOLS[event.status] ?? "·";
        const detail =
          event.status === "completed" || event.status === "failed"
            ? ` ${event.durationMs} ms${event.attempts > 1 ? `, ${event.attempts} attempts` : ""}${event.code ? `, ${event.code}` : ""}`
            : "";
        write(`  ${symbol} ${event.node} ${event.status}${detail}\n`);
      }
    }
  };
}
