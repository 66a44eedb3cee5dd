import { DEFAULT_BUS_URL } from "@flows/caps/bus";
import { ContainerStartError } from "./errors";
import { DEFAULT_GRACE_MS, DEFAULT_PORT } from "./start";

export interface ContainerEnv {
  readonly port: number;
  readonly host: string;
  readonly busUrl: string;
  readonly graceMs: number;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ContainerStartError("CONF400", `${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** The container's settings from its environment; a bad value stops start-up with CONF400. */
export function readContainerEnv(env: NodeJS.ProcessEnv): ContainerEnv {
  return {
    port: integer(env, "PORT", DEFAULT_PORT, 0, 65_535),
    host: env.FLOWS_LISTEN_HOST || "0.0.0.0",
    busUrl: env.FLOWS_BUS_URL || DEFAULT_BUS_URL,
    graceMs: integer(env, "FLOWS_SHUTDOWN_GRACE_MS", DEFAULT_GRACE_MS, 0, 3_600_000),
  };
}
