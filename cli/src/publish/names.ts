/** Bindings and classes every published Worker has (host-workers' defaults). */
export const RUNS_BINDING = "FLOW_RUNS";
export const RUNS_CLASS = "FlowRunObject";
export const STATE_CLASS = "FlowStateObject";
export const DEFAULT_CONTAINER_BINDING = "FLOW_CONTAINER";
export const DEFAULT_CONTAINER_CLASS = "FlowContainer";
export const API_TOKEN_SECRET = "FLOWS_API_TOKEN";
export const RESUME_SECRET = "FLOWS_RESUME_SECRET";
/** Every secret the Worker reads: the host's two and those the manifest lists. */
export const secretNamesOf = (listed: readonly string[]) => [...new Set([API_TOKEN_SECRET, RESUME_SECRET, ...listed])];
/** The manifest's secrets: the Worker's own and those it hands the container (`container.secrets`). */
export const manifestSecretNames = (manifest: {
  readonly secrets: readonly string[];
  readonly container?: { readonly secrets?: readonly string[] | undefined } | undefined;
}) => secretNamesOf([...manifest.secrets, ...(manifest.container?.secrets ?? [])]);

/** The date the pinned workerd implements; a fixed default keeps publishes reproducible. */
export const DEFAULT_COMPATIBILITY_DATE = "2026-04-26";
export const DEFAULT_COMPATIBILITY_FLAGS = ["nodejs_compat"] as const;
export const CONTAINER_PORT = 8080;

/** Files of a published project, relative to the output directory. */
export const OUT = {
  wrangler: "wrangler.jsonc",
  entry: "src/entry.js",
  bundle: "worker.js",
  sourceMap: "worker.js.map",
  /** The map trimmed to the project's sources, which the Worker reads to map a node's stack. */
  ownSourceMap: "worker.map.txt",
  dockerfile: "Dockerfile",
  containerEntry: "container/entry.js",
  containerBundle: "container/index.mjs",
  record: "flows.publish.json",
} as const;

/** `ORDER_EVENTS` → `order-events`: the default name of a bucket or queue behind a binding. */
export const kebab = (binding: string) =>
  binding
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
