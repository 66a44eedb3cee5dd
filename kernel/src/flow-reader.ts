import type { Diagnostic, FlowIR } from "@flows/flow-ir";
import type { FlowError } from "./errors";
import type { Logger } from "./host";

/** A document given as text, parsed: its value, or the FLOW001 diagnostic that says why not. */
export type TextParse = (text: string) => { ok: true; value: unknown } | { ok: false; diagnostic: Diagnostic };

/**
 * Turns one registered document into the flow the kernel plans, or the error every run of it
 * fails with. Read once per document, on first use.
 */
export type FlowReader = {
  (document: unknown, name: string, logger: Logger): { flow: FlowIR } | { error: FlowError };
  /**
   * How a document given as text is parsed. The validating reader's says where the JSON breaks;
   * without one, JSON.parse's own message is given (`plainJson`). A reader brings its own so
   * that a Worker of trusted flows, never given text, does not bundle the JSON scanner.
   */
  readonly parseText?: TextParse;
};

/** JSON.parse with a FLOW001 diagnostic carrying its message; a leading byte order mark is dropped. */
export const plainJson: TextParse = (text) => {
  try {
    return { ok: true, value: JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) };
  } catch (error) {
    return {
      ok: false,
      diagnostic: {
        code: "FLOW001",
        severity: "error",
        message: `not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
        path: "",
      },
    };
  }
};

/**
 * For documents validated before they got here: `flows publish` embeds each flow as the
 * validator returned it (defaults applied, earlier keys rewritten), so the Worker it builds
 * skips the validator and does not carry it.
 */
export const trustedFlowReader: FlowReader = (document) => ({ flow: document as FlowIR });
