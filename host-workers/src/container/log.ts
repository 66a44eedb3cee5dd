/** One JSON line per container event, so the Worker's logs can be filtered by component. */
export const log = (fields: Record<string, unknown>) =>
  console.log(JSON.stringify({ ...fields, component: "container" }));
