import { existsSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import type { ImageExtension } from "./dockerfile";
import { isUnchangedGenerated } from "./generated-mark";
import { OUT } from "./names";
import type { Project } from "./project";

/** Where the container image comes from, and what `flows publish workers` may write for it. */
export type ContainerImagePlan =
  /** A registry reference from the manifest: nothing is built. */
  | { readonly kind: "registry"; readonly image: string }
  /** A Dockerfile that is not ours: used as is, never written. */
  | {
      readonly kind: "user";
      /** For wrangler.jsonc: the Dockerfile relative to the output directory. */
      readonly image: string;
      /** The file itself, for the fingerprint. */
      readonly file: string;
      /** What the publish says about it. */
      readonly note?: string;
    }
  /** The generated Dockerfile in the output directory, written by this publish. */
  | { readonly kind: "generated"; readonly image: string; readonly extension: ImageExtension };

const asPath = (path: string) => (path.startsWith(".") ? path : `./${path}`);

/**
 * Decides the image before anything is written. The manifest's `{ dockerfile }` is the user's
 * own (built with the output directory as its context, where the container bundle is); a
 * Dockerfile already in the output directory that flows did not write, or that was edited since,
 * is kept and used, with a note; otherwise flows writes its own, extended by `{ base, packages }`.
 */
export function planContainerImage(project: Project, outDir: string): ContainerImagePlan {
  const image = project.manifest.container?.image;
  if (typeof image === "string") return { kind: "registry", image };
  if (image?.dockerfile !== undefined) {
    const file = resolve(project.root, image.dockerfile);
    return { kind: "user", image: asPath(relative(outDir, file)), file };
  }
  const generated = join(outDir, OUT.dockerfile);
  if (existsSync(generated) && !isUnchangedGenerated(readFileSync(generated, "utf8"))) {
    return {
      kind: "user",
      image: `./${OUT.dockerfile}`,
      file: generated,
      note: `${OUT.dockerfile} in ${outDir} was not written by flows or was edited since: kept as is and used for the image (delete it to get the generated one back; container.image.base and packages do not apply to it)`,
    };
  }
  return {
    kind: "generated",
    image: `./${OUT.dockerfile}`,
    extension: { base: image?.base, packages: image?.packages },
  };
}
