import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { PackedPackage } from "./scoped-registry";

export const repoRoot = join(import.meta.dirname, "..", "..");

const readJson = (file: string) => JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;

/** Every package a user installs, by workspace folder: each workspace that is not private. */
export const PUBLISHED_WORKSPACES = (readJson(join(repoRoot, "package.json")).workspaces as string[]).filter(
  (folder) => readJson(join(repoRoot, folder, "package.json")).private !== true,
);

interface PackEntry {
  readonly name: string;
  readonly version: string;
  readonly filename: string;
  readonly size: number;
  readonly files: readonly { readonly path: string }[];
}

export interface Packed extends PackedPackage {
  /** Bytes of the tarball. */
  readonly size: number;
  /** Paths inside the package. */
  readonly files: readonly string[];
}

/**
 * `npm pack` of every published workspace into `destination`: exactly what `npm publish` would
 * upload (it runs no build: `npm install` built `dist/`).
 */
export function packAll(destination: string): Packed[] {
  const args = ["pack", "--json", "--pack-destination", destination];
  for (const workspace of PUBLISHED_WORKSPACES) args.push("--workspace", workspace);
  const result = spawnSync("npm", args, { cwd: repoRoot, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`npm pack failed:\n${result.stderr}`);
  const entries = JSON.parse(result.stdout) as PackEntry[];
  return entries.map((entry, index) => {
    const workspace = PUBLISHED_WORKSPACES[index] ?? "";
    const manifest = readJson(join(repoRoot, workspace, "package.json"));
    return {
      name: entry.name,
      version: entry.version,
      file: join(destination, entry.filename),
      manifest,
      size: entry.size,
      files: entry.files.map((file) => file.path),
    };
  });
}
