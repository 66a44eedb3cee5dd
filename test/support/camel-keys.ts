/**
 * Our JSON names its fields in snake_case. These keys hold a user's own values (payloads,
 * outputs, error details, event match fields), which go out as the user wrote them: not walked.
 */
const USER_VALUES = new Set(["input", "output", "payload", "details", "value", "match", "preview"]);

/** Paths of every key in `value` with an upper-case letter, outside user values. */
export function camelCaseKeys(value: unknown, path = "$"): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => camelCaseKeys(item, `${path}[${index}]`));
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, inner]) => [
    ...(/[A-Z]/.test(key) ? [`${path}.${key}`] : []),
    ...(USER_VALUES.has(key) ? [] : camelCaseKeys(inner, `${path}.${key}`)),
  ]);
}
