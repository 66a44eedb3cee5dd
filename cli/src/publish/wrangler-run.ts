import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CommandLog } from "./bundle";
import { shortFingerprint } from "./fingerprint";
import { OUT } from "./names";
import { runTool, type ToolResult, wranglerScript } from "./toolchain";

/**
 * The registry reference a dry run checks instead of the Dockerfile: building an image needs a
 * Docker engine, which a dry run must not. The tag is the project's fingerprint.
 */
export const dryRunImage = (name: string, fingerprint: string) =>
  `registry.cloudflare.com/${name}:${shortFingerprint(fingerprint)}`;

/** A path to a Dockerfile (the generated one or the user's), not a registry reference. */
const isDockerfile = (image: string) => image.startsWith("./") || image.startsWith("../") || image.startsWith("/");

/**
 * `wrangler deploy --dry-run` on the published project, offline. When the containers section
 * points at the Dockerfile, wrangler reads a copy of the config whose image is the
 * fingerprint-tagged registry reference instead (kept, and named, if the dry run fails).
 */
export async function wranglerDryRun(
  outDir: string,
  config: Record<string, unknown>,
  fingerprint: string,
  log: CommandLog,
): Promise<ToolResult & { readonly kept?: string }> {
  const scratch = mkdtempSync(join(tmpdir(), "flows-dry-run-"));
  let configFile = join(outDir, OUT.wrangler);
  const containers = config.containers as { image: string; image_build_context?: string }[] | undefined;
  if (containers?.some((container) => isDockerfile(container.image))) {
    configFile = join(scratch, OUT.wrangler);
    const variant = {
      ...config,
      main: join(outDir, OUT.bundle),
      containers: containers.map(({ image_build_context: _context, ...container }) => ({
        ...container,
        image: dryRunImage(String(config.name), fingerprint),
      })),
    };
    writeFileSync(configFile, `${JSON.stringify(variant, null, 2)}\n`);
  }
  const tool = {
    command: process.execPath,
    args: [wranglerScript(), "deploy", "--dry-run", "--outdir", join(scratch, "out"), "--config", configFile],
    cwd: outDir,
  };
  log(tool);
  const result = await runTool(tool);
  if (result.status === 0) {
    rmSync(scratch, { recursive: true, force: true });
    return result;
  }
  return { ...result, kept: scratch };
}

/** `wrangler deploy` for real: needs a Cloudflare account (`wrangler login`) and the network. */
export async function wranglerDeploy(outDir: string, fingerprint: string, log: CommandLog): Promise<ToolResult> {
  const tag = shortFingerprint(fingerprint);
  const tool = {
    command: process.execPath,
    args: [
      wranglerScript(),
      "deploy",
      "--config",
      join(outDir, OUT.wrangler),
      "--tag",
      tag,
      "--message",
      `flows ${tag}`,
    ],
    cwd: outDir,
  };
  log(tool);
  return runTool(tool);
}
