import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { FlowIR } from "@flows/flow-ir";
import { type CommandLog, writeAndBundle } from "./bundle";
import { planContainerImage } from "./container-image";
import { dockerfile } from "./dockerfile";
import { containerEntrySource, workerEntrySource } from "./entries";
import { fingerprint, sha256, shortFingerprint } from "./fingerprint";
import { earlierFlows, type FlowVersions, readFlowVersions, withPublished } from "./flow-versions";
import { isUnchangedGenerated } from "./generated-mark";
import { type Migration, planMigrations, readHistory } from "./migrations";
import { OUT } from "./names";
import type { Project } from "./project";
import { writeOwnSourceMap } from "./source-map";
import { wranglerSchemaPath } from "./toolchain";
import { durableObjectClasses, wranglerConfig, wranglerJsonc } from "./wrangler-config";

export interface Emitted {
  readonly fingerprint: string;
  /** The Durable Object migrations wrangler.jsonc lists, to record once deployed. */
  readonly migrations: readonly Migration[];
  /** wrangler.jsonc as an object, for the dry run's variant. */
  readonly config: Record<string, unknown>;
  /** Files written, relative to the output directory, in order. */
  readonly files: readonly string[];
  /** Every flow version published so far, this one's included, to record once deployed. */
  readonly flowVersions: FlowVersions;
}

export interface EmitSteps {
  step(text: string): void;
  readonly command: CommandLog;
}

/** The files the publish record in `outDir` lists: what an earlier publish wrote there. */
function publishedFiles(outDir: string): ReadonlySet<string> {
  try {
    const record: unknown = JSON.parse(readFileSync(join(outDir, OUT.record), "utf8"));
    const files = typeof record === "object" && record !== null && "files" in record ? record.files : undefined;
    return new Set(typeof files === "object" && files !== null ? Object.keys(files) : []);
  } catch {
    return new Set();
  }
}

/** Writes and bundles the Worker entry only: what `flows dev` serves. */
export async function emitWorker(
  project: Project,
  outDir: string,
  steps: EmitSteps,
  earlier: readonly FlowIR[] = [],
): Promise<string> {
  const kept = earlier.length === 0 ? "" : `, ${earlier.length} earlier version${earlier.length === 1 ? "" : "s"} kept`;
  steps.step(`bundling the Worker (${project.flows.length} flow${project.flows.length === 1 ? "" : "s"}${kept})`);
  await writeAndBundle(
    outDir,
    { path: OUT.entry, source: workerEntrySource(project, join(outDir, dirname(OUT.entry)), earlier) },
    OUT.bundle,
    "worker",
    steps.command,
  );
  writeOwnSourceMap(project.root, outDir);
  return join(outDir, OUT.bundle);
}

/**
 * Everything `wrangler deploy` needs, in `outDir`: the Worker entry and its bundle, for a
 * container the container entry, its bundle and a Dockerfile, then wrangler.jsonc and a record
 * of the fingerprint and each file's hash. Nothing in it depends on the time or the machine's
 * state beyond the inputs, so the same project gives the same bytes.
 */
export async function emitProject(
  project: Project,
  outDir: string,
  steps: EmitSteps,
  options: { readonly deleteClasses?: readonly string[] } = {},
): Promise<Emitted> {
  // Checked before anything is written: a class that disappeared stops the publish.
  const migrations = planMigrations(readHistory(project.root), durableObjectClasses(project), options.deleteClasses);
  const recorded = readFlowVersions(project.root);
  mkdirSync(outDir, { recursive: true });
  const files: string[] = [OUT.entry, OUT.bundle, OUT.sourceMap, OUT.ownSourceMap];
  await emitWorker(project, outDir, steps, earlierFlows(project, recorded));
  const container = project.manifest.container !== undefined;
  const image = container ? planContainerImage(project, outDir) : undefined;
  if (image?.kind === "user" && image.note !== undefined) steps.step(image.note);
  if (container) {
    steps.step("bundling the container entry (Node, linux/amd64)");
    await writeAndBundle(
      outDir,
      { path: OUT.containerEntry, source: containerEntrySource(project, join(outDir, dirname(OUT.containerEntry))) },
      OUT.containerBundle,
      "node",
      steps.command,
    );
    files.push(OUT.containerEntry, OUT.containerBundle);
  } else {
    // A project that dropped its container must not leave the old image recipe behind; only
    // files an earlier publish recorded are removed, never a Dockerfile of the user's own.
    const earlier = publishedFiles(outDir);
    for (const stale of [OUT.containerEntry, OUT.containerBundle])
      if (earlier.has(stale)) rmSync(join(outDir, stale), { force: true });
    // The Dockerfile only while it is still ours: one edited since is the user's.
    const generated = join(outDir, OUT.dockerfile);
    if (existsSync(generated) && isUnchangedGenerated(readFileSync(generated, "utf8"))) rmSync(generated);
  }
  const lockFile = join(project.root, "package-lock.json");
  const read = (file: string) => readFileSync(join(outDir, file));
  const full = fingerprint({
    ir: JSON.stringify(project.flows.map((flow) => flow.document)),
    [OUT.bundle]: read(OUT.bundle),
    // Deployed with the bundle: a line moved in a source changes it even when the bundle is the same.
    [OUT.ownSourceMap]: read(OUT.ownSourceMap),
    ...(container ? { [OUT.containerBundle]: read(OUT.containerBundle) } : {}),
    // A Dockerfile of the user's is part of what is deployed; the generated one follows from the rest.
    ...(image?.kind === "user" ? { dockerfile: readFileSync(image.file) } : {}),
    ...(image?.kind === "generated" && (image.extension.base ?? image.extension.packages) !== undefined
      ? { image: JSON.stringify(image.extension) }
      : {}),
    lock: existsSync(lockFile) ? readFileSync(lockFile) : "",
  });
  steps.step(`writing ${OUT.wrangler} (fingerprint ${shortFingerprint(full)})`);
  const config = wranglerConfig(project, {
    fingerprint: full,
    ...(image === undefined ? {} : { image }),
    migrations,
    schema: wranglerSchemaPath(project.root, outDir),
  });
  writeFileSync(join(outDir, OUT.wrangler), wranglerJsonc(project, config, full));
  files.push(OUT.wrangler);
  // Only ever the generated Dockerfile: one the user wrote or edited is left alone (see the plan).
  if (image?.kind === "generated") {
    writeFileSync(join(outDir, OUT.dockerfile), dockerfile(project.manifest.name, full, image.extension));
    files.push(OUT.dockerfile);
  }
  const hashes = Object.fromEntries(files.map((file) => [file, sha256(read(file))]));
  const record = {
    name: project.manifest.name,
    fingerprint: full,
    tag: shortFingerprint(full),
    flows: project.flows.map((flow) => flow.flow.id),
    files: hashes,
    migrations,
  };
  writeFileSync(join(outDir, OUT.record), `${JSON.stringify(record, null, 2)}\n`);
  files.push(OUT.record);
  return { fingerprint: full, migrations, config, files, flowVersions: withPublished(project, recorded) };
}
