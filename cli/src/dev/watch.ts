import { type FSWatcher, watch } from "node:fs";
import { isAbsolute, relative } from "node:path";
import { EXIT_OK } from "../exit";
import type { Progress } from "../publish/progress";

/** Folders whose changes are not the project's sources. */
const IGNORED = [".flows", "dist", "node_modules", ".git", ".wrangler"];

/**
 * Watches the project's files, reloading (one at a time, after changes settle) until SIGINT or
 * SIGTERM. `stateDir` is ignored too: every reload builds into it, which would reload again.
 */
export function serveUntilStopped(
  root: string,
  stateDir: string,
  steps: Progress,
  reload: (changed: string) => Promise<void>,
): Promise<number> {
  const inRoot = relative(root, stateDir);
  const ignored = inRoot === "" || inRoot.startsWith("..") || isAbsolute(inRoot) ? IGNORED : [...IGNORED, inRoot];
  return new Promise((resolveExit) => {
    let timer: NodeJS.Timeout | undefined;
    let pending: string | undefined;
    let running = Promise.resolve();
    const watcher: FSWatcher = watch(root, { recursive: true }, (_event, file) => {
      if (file === null) return;
      const name = String(file);
      if (ignored.some((folder) => name === folder || name.startsWith(`${folder}/`))) return;
      pending = name;
      clearTimeout(timer);
      timer = setTimeout(() => {
        const changed = pending ?? name;
        running = running.then(() =>
          reload(changed).catch((error: unknown) =>
            steps.step(`reload failed: ${error instanceof Error ? error.message : String(error)}`),
          ),
        );
      }, 150);
    });
    const stop = () => {
      clearTimeout(timer);
      watcher.close();
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      steps.step("stopping");
      void running.then(() => resolveExit(EXIT_OK));
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
