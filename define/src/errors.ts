import type { SourceLocation } from "./location";

/** Mistakes the definition API refuses where they are made, each with a stable code. */
export const DEFINE_ERROR_CODES = {
  DEF101: "two nodes of one flow share an alias",
  DEF102: "a node, route or checkpoint of another flow was used",
  DEF103: "an alias, id or selector is malformed",
  DEF104: "a capability is declared twice on one node, or with an access it does not offer",
  DEF105: "a route (if/switch branch) is wired to more than one node",
  DEF106: "a node halts at a checkpoint its flow does not declare",
  DEF107: "two control surfaces share an id",
  DEF108: "an option has a value the kernel cannot run",
  DEF109: "a node has no implementation",
  DEF110: "a defined flow's document does not validate",
} as const;

export type DefineErrorCode = keyof typeof DEFINE_ERROR_CODES;

/** A definition mistake: data with a stable code, and where in the source it was made. */
export class DefinitionError extends Error {
  override readonly name = "DefinitionError";
  readonly retryable = false;
  /** The message without code and location, for reports that print those themselves. */
  readonly description: string;
  constructor(
    readonly code: DefineErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
    readonly location?: SourceLocation,
  ) {
    super(location === undefined ? `${code} ${message}` : `${code} ${message} (${formatLocation(location)})`);
    this.description = message;
  }

  toJSON() {
    return {
      code: this.code,
      message: this.message,
      details: { ...this.details, ...(this.location === undefined ? {} : { location: this.location }) },
      retryable: false,
    };
  }
}

export function formatLocation(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.column}`;
}

/**
 * Structural, not `instanceof`: a flow module bundled on its own carries its own copy of this
 * class, and the CLI must still recognise what it throws.
 */
export function isDefinitionError(value: unknown): value is DefinitionError {
  if (value instanceof DefinitionError) return true;
  const candidate = value as Partial<DefinitionError> | null;
  return (
    candidate !== null &&
    typeof candidate === "object" &&
    candidate.name === "DefinitionError" &&
    typeof candidate.code === "string" &&
    candidate.code in DEFINE_ERROR_CODES &&
    typeof candidate.description === "string"
  );
}
