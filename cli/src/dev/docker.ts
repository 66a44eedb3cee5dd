import { spawnSync } from "node:child_process";
import { UsageError } from "../exit";

/** `--container-engine docker` without a Docker engine to talk to. */
export const DOCKER_UNAVAILABLE = "DOCKER503";

/**
 * The Docker engine's address as workerd takes it (a `unix://` URL, as wrangler passes it):
 * DOCKER_HOST, else the default socket.
 */
export function dockerHost(env: Readonly<Record<string, string | undefined>>): string {
  const host = env.DOCKER_HOST;
  return host !== undefined && host !== "" ? host : "unix:///var/run/docker.sock";
}

/**
 * Asks the engine for its version before anything is built, so a missing Docker is said at
 * once and plainly instead of as workerd's failure to connect on the first container request.
 */
export function ensureDocker(env: Readonly<Record<string, string | undefined>>): void {
  const result = spawnSync("docker", ["version", "--format", "{{.Server.Version}}"], {
    encoding: "utf8",
    timeout: 15_000,
    env: { ...process.env, ...env },
  });
  const local = "or run containers as local processes (the default, --container-engine local)";
  if (result.error !== undefined) {
    const missing = (result.error as NodeJS.ErrnoException).code === "ENOENT";
    throw new UsageError(
      DOCKER_UNAVAILABLE,
      missing
        ? `--container-engine docker needs Docker, and there is no docker command on PATH: install Docker, ${local}`
        : `--container-engine docker needs Docker, and docker could not be run (${result.error.message}): ${local}`,
    );
  }
  if (result.status !== 0 || result.stdout.trim() === "") {
    const said =
      result.stderr
        .trim()
        .split("\n")
        .find((line) => line.trim() !== "") ?? `exit ${result.status}`;
    throw new UsageError(
      DOCKER_UNAVAILABLE,
      `--container-engine docker needs a running Docker engine, and docker cannot reach one (${said}): start Docker, ${local}`,
    );
  }
}

/** Builds the dev image from `dockerfile` with `context`; a failure is the project's (exit 1). */
export function buildDockerImage(tag: string, dockerfile: string, context: string): void {
  const result = spawnSync(
    "docker",
    ["build", "--platform", "linux/amd64", "--tag", tag, "--file", dockerfile, context],
    { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );
  if (result.status !== 0) {
    throw new UsageError("DOCKER500", `docker build of ${tag} failed:\n${(result.stderr || result.stdout).trim()}`, 1);
  }
}
