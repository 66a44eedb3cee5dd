import { type FSWatcher, readdirSync, statSync, watch } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { EXIT_OK } from "../exit";
import type { Progress } from "../publish/progress";

/** Folders whose changes are not the project's sources. */
const IGNORED = [".flows", "dist", "node_modules", ".git", ".wrangler"];

/**
 * Calls `changed` with the path (relative to `root`) of each changed file outside the ignored
 * top-level folders. Those folders are never watched at all, not merely filtered: Node 20's
 * recursive watch on Linux walks and watches every file below its root, and the state folder
 * gains a SQLite file per run, so watching it kept the process that hosts workerd busy enough
 * to stall requests for seconds and have kept-alive connections reset under load.
 */
function watchSources(root: string, ignored: readonly string[], changed: (file: string) => void): () => void {
  const watchers = new Map<string, FSWatcher>();
  const isIgnored = (name: string) => ignored.some((folder) => name === folder || name.startsWith(`${folder}/`));
  /** `""` is the root. A folder with an ignored one inside is watched level by level, around it. */
  const watchFolder = (name: string) => {
    if (watchers.has(name) || (name !== "" && isIgnored(name))) return;
    const path = name === "" ? root : join(root, name);
    const prefix = name === "" ? "" : `${name}/`;
    try {
      if (!statSync(path).isDirectory()) return;
      const whole = !ignored.some((folder) => folder.startsWith(prefix));
      const watcher = watch(path, { recursive: whole }, (_event, file) => {
        if (file === null) return;
        const inner = `${prefix}${String(file)}`;
        if (isIgnored(inner)) return;
        if (!whole) watchFolder(inner);
        changed(inner);
      });
      // A folder removed while watched: forget it, so one made again under its name is watched anew.
      watcher.on("error", () => {
        watcher.close();
        watchers.delete(name);
      });
      watchers.set(name, watcher);
      if (!whole) for (const entry of readdirSync(path)) watchFolder(`${prefix}${entry}`);
    } catch {
      // Gone between the listing and the watch: nothing to watch.
    }
  };
  watchFolder("");
  return () => {
    for (const watcher of watchers.values()) watcher.close();
  };
}

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
    const unwatch = watchSources(root, ignored, (name) => {
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
      unwatch();
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      steps.step("stopping");
      void running.then(() => resolveExit(EXIT_OK));
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
