/**
 * The contract between `flows dev` and the Worker it serves for running container processes
 * locally. The same names are in @flows/host-workers/container (local-engine.ts); they are
 * repeated here because that module's package entry loads `cloudflare:*`, which Node cannot,
 * and a test checks that both sides agree.
 */
export const LOCAL_ENGINE_BINDINGS = {
  url: "FLOWS_LOCAL_CONTAINERS",
  token: "FLOWS_LOCAL_CONTAINERS_TOKEN",
} as const;

/** The Worker route a process's requests to intercepted hosts (the bus) go to. */
export const LOCAL_NETWORK_PREFIX = "/__flows/local-network";

/** Where the process's bus URL points: the Worker's local network route for its instance. */
export function localBusUrl(workerUrl: string, token: string, id: string, busUrl: string): string {
  const bus = new URL(busUrl);
  return `${workerUrl.replace(/\/$/, "")}${LOCAL_NETWORK_PREFIX}/${token}/${id}/${bus.host}${bus.pathname}`;
}
