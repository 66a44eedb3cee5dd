/**
 * Stands in for `@valibot/to-json-schema` inside a published Worker (`flows publish workers`
 * aliases it there): that Worker's Flow IR was built beforehand and is embedded, so its defined
 * flows only hand over their node implementations, and converting every port schema to JSON
 * Schema at start-up would be code and time spent for nothing. A port keeps its name (the
 * schema's title); no JSON Schema is produced.
 */
export function toJsonSchema(schema: unknown): Record<string, unknown> {
  const pipe = (schema as { readonly pipe?: readonly { readonly type?: unknown; readonly title?: unknown }[] }).pipe;
  const title = pipe?.find((item) => item.type === "title")?.title;
  return typeof title === "string" ? { title } : {};
}
