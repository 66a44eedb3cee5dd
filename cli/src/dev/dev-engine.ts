import { join } from "node:path";
import type { Progress } from "../publish/progress";
import { type ContainerSupervisor, startContainerSupervisor } from "./container-supervisor";
import type { LoadedContainers } from "./dev-containers";
import { loopbackUrl } from "./loopback-url";
import type { DevContainers } from "./miniflare-options";

/** What `flows dev` does about its container across starts and reloads. */
export interface DevEngine {
  /** What Miniflare needs for a build's container; starts the local engine the first time. */
  optionsFor(built: LoadedContainers | undefined): Promise<DevContainers | undefined>;
  /** Once workerd listens: where the processes' bus requests go. */
  serving(origin: string): void;
  /** Before workerd restarts on a new build: the processes run the old bundle, and the restarted workerd forgets them. */
  beforeReload(): Promise<void>;
  close(): Promise<void>;
}

export function devEngine(stateDir: string, steps: Progress, stderr: (text: string) => void): DevEngine {
  // Started with the first build that has a container; it reads the bundle at each start.
  let supervisor: ContainerSupervisor | undefined;
  return {
    async optionsFor(built) {
      if (built === undefined) return undefined;
      if (built.engine === "docker") return built;
      supervisor ??= await startContainerSupervisor({
        bundle: built.bundle,
        disksDir: join(stateDir, "containers"),
        note: (line) => steps.step(line),
        output: (instance, line) => stderr(`[container ${instance}] ${line}\n`),
      });
      return { engine: "local", url: supervisor.url, token: supervisor.token };
    },
    serving(origin) {
      supervisor?.setWorkerUrl(loopbackUrl(origin));
    },
    async beforeReload() {
      await supervisor?.stopAll();
    },
    async close() {
      await supervisor?.close();
    },
  };
}
