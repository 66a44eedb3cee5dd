import { CapError, toCapError } from "@flows/caps";

// R2 reports failures as messages ending in "(<code>)"; these are the ones a caller can act on.
const CODES: Readonly<Record<string, { code: "CAP400" | "CAP404" | "CAP413" | "CAP416"; what: string }>> = {
  "10011": { code: "CAP400", what: "the parts are smaller than R2 allows" },
  "10012": { code: "CAP413", what: "the metadata is larger than R2 allows" },
  "10020": { code: "CAP400", what: "the object name is not valid" },
  "10024": { code: "CAP404", what: "the multipart upload does not exist (completed or aborted?)" },
  "10025": { code: "CAP400", what: "a part was not uploaded with that etag" },
  "10039": { code: "CAP416", what: "the requested range is not satisfiable" },
  "10048": { code: "CAP400", what: "the parts break R2's size rules (all but the last equal, at least 5 MiB)" },
};

/** Turns an R2 binding failure into the code the other providers use for the same problem. */
export function fromR2Error(error: unknown, operation: string, key: string): CapError {
  const message = error instanceof Error ? error.message : String(error);
  const known = CODES[/\((\d{5})\)\s*$/.exec(message)?.[1] ?? ""];
  if (known) return new CapError(known.code, `${operation} of "${key}": ${known.what}`, { key, cause: message });
  if (/part number must be between/i.test(message)) {
    return new CapError("CAP400", `${operation} of "${key}": ${message}`, { key });
  }
  return toCapError(error, operation, { key });
}
