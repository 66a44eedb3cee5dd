/** OpenDAL reports a missing path as an error whose message starts with its kind. */
export function isNotFound(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith("NotFound");
}

/** A write with `ifNotExists` that met an existing file. */
export function isConditionNotMatch(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith("ConditionNotMatch");
}
