import { CONTAINER_ERROR_CODES, type ContainerFailure, containerFailure } from "./errors";
import type { ContainerSettings } from "./settings";

/**
 * A per-instance environment for the container process, from `createProjectWorker`'s
 * `containerEnv`: given the instance's name and the Worker's env, the variables it starts with
 * (e.g. a token minted for that tenant). Called at each start, never logged.
 */
export type ContainerEnvBuilder<Env = Record<string, unknown>> = (
  instance: string,
  env: Env,
) => Readonly<Record<string, string>> | Promise<Readonly<Record<string, string>>>;

/** A start that must not happen: the environment is incomplete. Carries the typed answer. */
export class StartRefusal extends Error {
  constructor(readonly failure: ContainerFailure) {
    super(failure.error);
  }
}

/** Variables the runtime owns: nothing from the manifest, a secret or the builder replaces them. */
const RESERVED = /^(PORT|FLOWS_.*)$/;

/**
 * The environment a container process starts with, in order of precedence from low to high:
 * the manifest's plain `env`, the Worker secrets `container.secrets` names (read from the
 * Worker's env at each start, so a rotated secret reaches the next process), the builder's
 * variables, and the runtime's own (`PORT`, `FLOWS_BUS_URL`). Values only ever travel to the
 * container's start call; failures name secrets, never their values.
 */
export async function startEnvironment<Env>(
  settings: ContainerSettings,
  runtime: Readonly<Record<string, string>>,
  env: Env,
  instance: string,
  builder: ContainerEnvBuilder<Env> | undefined,
): Promise<Record<string, string>> {
  const source = env as Readonly<Record<string, unknown>>;
  const missing = settings.secrets.filter((name) => typeof source[name] !== "string" || source[name] === "");
  if (missing.length > 0) {
    throw new StartRefusal(
      containerFailure(
        CONTAINER_ERROR_CODES.environment,
        `the container needs the Worker secret${missing.length === 1 ? "" : "s"} ${missing.join(", ")}, which ${missing.length === 1 ? "is" : "are"} not set: set each with \`wrangler secret put <NAME>\``,
        { secrets: missing },
      ),
    );
  }
  const secrets = Object.fromEntries(settings.secrets.map((name) => [name, String(source[name])]));
  let built: Readonly<Record<string, string>> = {};
  if (builder !== undefined) {
    try {
      built = await builder(instance, env);
    } catch (error) {
      throw new StartRefusal(
        containerFailure(
          CONTAINER_ERROR_CODES.environment,
          `containerEnv failed for instance "${instance}": ${error instanceof Error ? error.message : String(error)}`,
          { instance },
        ),
      );
    }
  }
  const own = Object.fromEntries(
    Object.entries(built).filter(([name, value]) => typeof value === "string" && !RESERVED.test(name)),
  );
  return { ...settings.env, ...secrets, ...own, ...runtime };
}
