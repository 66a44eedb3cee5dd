import { describe, expect, it } from "vitest";
import { progressPrinter } from "./progress";

describe("progress lines", () => {
  it("prints one line per node outcome, retries and attempt counts", () => {
    const lines: string[] = [];
    const print = progressPrinter((text) => lines.push(text));
    print({ type: "node-started", node: "charge", attempt: 1 });
    print({ type: "node-retrying", node: "charge", attempt: 1, delayMs: 50, code: "PAY503" });
    print({ type: "node-started", node: "charge", attempt: 2 });
    print({ type: "node-finished", node: "charge", status: "completed", attempts: 2, durationMs: 61 });
    print({ type: "node-finished", node: "approval", status: "skipped", attempts: 0, durationMs: 0 });
    print({ type: "node-finished", node: "ship", status: "failed", attempts: 1, durationMs: 5, code: "TIME015" });
    expect(lines).toEqual([
      "  ↻ charge failed (PAY503), retrying in 50 ms\n",
      "  … charge attempt 2\n",
      "  ✓ charge completed 61 ms, 2 attempts\n",
      "  – approval skipped\n",
      "  ✗ ship failed 5 ms, TIME015\n",
    ]);
  });
});
