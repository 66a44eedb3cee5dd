import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { dockerfile } from "../publish/dockerfile";
import { type EmitSteps, emitContainer } from "../publish/emit";
import { kebab, OUT } from "../publish/names";
import type { Project } from "../publish/project";
import { buildDockerImage, dockerHost } from "./docker";

/** What serves the project's container in `flows dev`, once built. */
export type LoadedContainers =
  | { readonly engine: "local"; readonly bundle: string }
  | { readonly engine: "docker"; readonly host: string; readonly image: string };

/**
 * Builds the container half as `flows publish workers` does (the same container entry and
 * bundle); for Docker also the image, from the manifest's registry reference, the user's
 * Dockerfile, or the generated one. Undefined when the project has no container.
 */
export async function buildContainers(
  project: Project,
  build: string,
  engine: "local" | "docker",
  steps: EmitSteps,
  env: Readonly<Record<string, string | undefined>>,
): Promise<LoadedContainers | undefined> {
  const container = project.manifest.container;
  if (container === undefined) return undefined;
  const bundle = await emitContainer(project, build, steps);
  if (engine === "local") return { engine, bundle };
  const host = dockerHost(env);
  const image = container.image;
  if (typeof image === "string") return { engine, host, image };
  const tag = `flows-dev-${kebab(project.manifest.name)}:latest`;
  const file = image?.dockerfile === undefined ? join(build, OUT.dockerfile) : resolve(project.root, image.dockerfile);
  if (image?.dockerfile === undefined) {
    writeFileSync(file, dockerfile(project.manifest.name, "dev", { base: image?.base, packages: image?.packages }));
  }
  steps.step(`building the container image ${tag} with docker`);
  buildDockerImage(tag, file, build);
  return { engine, host, image: tag };
}
