import type { WireRunSummary } from "@flows/kernel";

/**
 * The run shapes on the wire are the kernel's (`RunDetail`, `WireRunSummary`,
 * `WireJournalEntry`): what the Worker's run routes answer and what `flows runs`, `inspect`
 * and `logs --format json` print, locally or remotely. This adds the list page.
 */
export type { RunDetail, WireJournalEntry, WireRunSummary } from "@flows/kernel";

/** `GET /runs` */
export interface WireRunList {
  readonly runs: readonly WireRunSummary[];
  readonly next_cursor: string | null;
}
