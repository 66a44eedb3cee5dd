import type { FlowIR } from "@flows/flow-ir";
import type { FlowError } from "./errors";
import type { Logger } from "./host";

/**
 * Turns one registered document into the flow the kernel plans, or the error every run of it
 * fails with. Read once per document, on first use.
 */
export type FlowReader = (document: unknown, name: string, logger: Logger) => { flow: FlowIR } | { error: FlowError };

/**
 * For documents validated before they got here: `flows publish` embeds each flow as the
 * validator returned it (defaults applied, earlier keys rewritten), so the Worker it builds
 * skips the validator and does not carry it.
 */
export const trustedFlowReader: FlowReader = (document) => ({ flow: document as FlowIR });
