import { readdirSync, readFileSync } from "node:fs";

/** A process's resident set in bytes (Linux /proc), or undefined once it is gone. */
export function rssBytes(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match === null ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}

/** The ids of this process's children named `name` (e.g. the workerd Miniflare started). */
export function childPids(name: string, parent = process.pid): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const command = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (command === name && ppid === parent) found.push(Number(entry));
    } catch {
      // Gone between the listing and the read.
    }
  }
  return found;
}

/**
 * Samples the resident set of each process every `everyMs` until stopped: the peak of each
 * during the window, which /proc's lifetime high-water mark would blur with start-up.
 */
export function sampleRss(pids: Readonly<Record<string, number>>, everyMs = 10) {
  const peaks: Record<string, number> = {};
  const sample = () => {
    for (const [name, pid] of Object.entries(pids)) {
      const rss = rssBytes(pid);
      if (rss !== undefined) peaks[name] = Math.max(peaks[name] ?? 0, rss);
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop(): Readonly<Record<string, number>> {
      clearInterval(timer);
      sample();
      return peaks;
    },
  };
}

export const mib = (bytes: number | undefined) =>
  bytes === undefined ? "n/a" : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
