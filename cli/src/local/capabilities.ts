import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { doCapability, doMemoryProvider } from "@flows/cap-do";
import { doOpendalFsProvider, doOpendalMemoryProvider } from "@flows/cap-do/opendal";
import { kvCapability, kvMemoryProvider } from "@flows/cap-kv";
import { kvOpendalFsProvider, kvOpendalMemoryProvider } from "@flows/cap-kv/opendal";
import { queueCapability, queueMemoryProvider } from "@flows/cap-queue";
import { queueOpendalFsProvider, queueOpendalMemoryProvider } from "@flows/cap-queue/opendal";
import { r2Capability } from "@flows/cap-r2";
import { r2OpendalFsProvider, r2OpendalMemoryProvider, r2OpendalS3Provider } from "@flows/cap-r2/opendal";
import { createCapabilityRegistry, preflight, resolveCapabilities, scopeCapabilities } from "@flows/caps";
import type { FlowIR, NodeIR, ProjectManifest } from "@flows/flow-ir";
import type { EffectScope } from "@flows/kernel";
import { UsageError } from "../exit";

/** Every bundled capability with the providers a local run can use: memory and OpenDAL. */
const localCapabilities = createCapabilityRegistry([kvCapability, r2Capability, queueCapability, doCapability], {
  providers: [
    kvMemoryProvider,
    kvOpendalMemoryProvider,
    kvOpendalFsProvider,
    r2OpendalMemoryProvider,
    r2OpendalFsProvider,
    r2OpendalS3Provider,
    queueMemoryProvider,
    queueOpendalMemoryProvider,
    queueOpendalFsProvider,
    doMemoryProvider,
    doOpendalMemoryProvider,
    doOpendalFsProvider,
  ],
});

/** The manifest a run uses: the one named, or `flows.config.json` beside the flow file. */
export function findManifest(flowFile: string, named: string | undefined): string | undefined {
  if (named !== undefined) return named;
  const beside = join(dirname(resolve(flowFile)), "flows.config.json");
  return existsSync(beside) ? beside : undefined;
}

/**
 * Local runs keep capability data under the state directory: an `opendal.fs` entry without a
 * `root` gets `<state>/caps/<capability>`, so nothing is written anywhere else by default.
 */
function withLocalRoots(manifest: ProjectManifest, stateDir: string): ProjectManifest {
  const capabilities: ProjectManifest["capabilities"] = {};
  for (const [name, entry] of Object.entries(manifest.capabilities)) {
    const options = entry.options ?? {};
    capabilities[name] =
      entry.provider === "opendal.fs" && options.root === undefined
        ? { ...entry, options: { ...options, root: join(stateDir, "caps", name) } }
        : entry;
  }
  return { ...manifest, capabilities };
}

/**
 * Checks the flow's capabilities against the manifest (CAP101, DAG203) before anything runs,
 * then resolves the providers and scopes them per node.
 */
export async function localCapabilitiesFor(
  flow: FlowIR,
  manifest: ProjectManifest | undefined,
  stateDir: string,
): Promise<((node: NodeIR, effects?: EffectScope) => Readonly<Record<string, unknown>>) | undefined> {
  const effective = withLocalRoots(manifest ?? { capabilities: {}, secrets: [] }, stateDir);
  const checked = preflight({ flow, registry: localCapabilities, manifest: effective, env: process.env });
  const [first] = checked.diagnostics;
  if (first !== undefined) throw new UsageError(first.code, `${first.message} (${first.path})`);
  if (checked.required.length === 0) return undefined;
  const resolved = await resolveCapabilities({
    registry: localCapabilities,
    manifest: effective,
    env: process.env,
    only: checked.required,
  });
  return (node, effects) => scopeCapabilities(resolved, [...node.effectHints, ...node.determinismHints], effects);
}
