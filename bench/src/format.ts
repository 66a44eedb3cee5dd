/** Number formatting shared by the suites, so every table reads the same way. */

export function formatMs(ms: number): string {
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  return ms.toFixed(2);
}

export function formatMicros(us: number): string {
  return us >= 10 ? us.toFixed(1) : us.toFixed(2);
}

export function formatRatio(ratio: number): string {
  return `${ratio.toFixed(2)}×`;
}

export function formatCount(count: number): string {
  return count.toLocaleString("en-US");
}

export function formatMegabytes(bytes: number | undefined): string {
  return bytes === undefined ? "n/a" : (bytes / 1_048_576).toFixed(1);
}

/** A target check: the mark is information, never a reason to fail the run. */
export function mark(ok: boolean): string {
  return ok ? "pass" : "MISS";
}
