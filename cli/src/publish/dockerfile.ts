import { markGenerated } from "./generated-mark";
import { CONTAINER_PORT, OUT } from "./names";

/** The Node the container runtime is built and tested with, on the Debian the packages come from. */
export const DEFAULT_BASE_IMAGE = "node:20.20.0-bookworm-slim";

/** How the manifest extends the generated image (`container.image` as an object). */
export interface ImageExtension {
  readonly base?: string | undefined;
  readonly packages?: readonly string[] | undefined;
}

/** Debian packages on top of the base, in one layer without the apt lists. */
function packagesLayer(packages: readonly string[]): string {
  if (packages.length === 0) return "";
  const names = [...new Set(packages)].join(" ");
  return `RUN apt-get update \\
 && apt-get install -y --no-install-recommends ${names} \\
 && rm -rf /var/lib/apt/lists/*
`;
}

/**
 * The image of the container half: Node on linux/amd64 running the bundled container entry,
 * on the manifest's base image with its Debian packages. Secrets never appear here: the
 * Container class hands them to the process when it starts.
 */
export function dockerfile(name: string, fingerprint: string, extension: ImageExtension = {}): string {
  const body = `# From flows.config.json (container.image: base, packages).
# Cloudflare Containers run linux/amd64 images, whatever machine builds this one.
FROM --platform=linux/amd64 ${extension.base ?? DEFAULT_BASE_IMAGE}
LABEL org.opencontainers.image.title="${name}" org.opencontainers.image.version="${fingerprint}"
${packagesLayer(extension.packages ?? [])}WORKDIR /app
COPY ${OUT.containerBundle} ./index.mjs
ENV NODE_ENV=production PORT=${CONTAINER_PORT}
EXPOSE ${CONTAINER_PORT}
USER node
CMD ["node", "index.mjs"]
`;
  return markGenerated(body, "rewritten on each publish unless edited (an edited copy is kept as yours).");
}
