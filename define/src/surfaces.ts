import type { ErrorHandling } from "./options";
import type { RouterRecord } from "./records";

// Configs are LatticeFlow's shapes (impl-docs/spec/control-surfaces.md). Where this kernel
// still reads an earlier key, that key is written beside Lattice's, from this one place, so
// the same document runs here and validates there; both describe the same behaviour.

export function ifSurface(router: RouterRecord) {
  const then = router.then as string;
  const otherwise = router.else;
  return {
    targets: [router.source, then, ...(otherwise === undefined || otherwise === then ? [] : [otherwise])],
    config: {
      v: 1,
      source: router.source,
      selector_pointer: router.pointer,
      then,
      ...(otherwise === undefined ? {} : { else: otherwise }),
    },
  };
}

export function switchSurface(router: RouterRecord) {
  const targets = [router.source];
  for (const target of [...router.cases.values(), ...(router.otherwise === undefined ? [] : [router.otherwise])]) {
    if (!targets.includes(target)) targets.push(target);
  }
  return {
    targets,
    config: {
      v: 1,
      source: router.source,
      selector_pointer: router.pointer,
      cases: Object.fromEntries(router.cases),
      ...(router.otherwise === undefined ? {} : { default: router.otherwise }),
    },
  };
}

export function errorHandlerSurface(alias: string, handling: Exclude<ErrorHandling, string> | "fail" | "continue") {
  const config =
    typeof handling === "string" || handling.strategy !== "retry"
      ? { strategy: typeof handling === "string" ? handling : handling.strategy }
      : {
          strategy: "retry",
          ...(handling.maxRetries === undefined ? {} : { max_retries: handling.maxRetries }),
          ...(handling.backoffMs === undefined ? {} : { backoff_ms: handling.backoffMs }),
          ...(handling.maxBackoffMs === undefined ? {} : { max_backoff_ms: handling.maxBackoffMs }),
          ...(handling.jitter === undefined ? {} : { jitter: handling.jitter }),
        };
  return { targets: [alias], config: { v: 1, scope: { nodes: [alias] }, ...config } };
}

export function timeoutSurface(alias: string, ms: number) {
  return { targets: [alias], config: { v: 1, timeout_ms: ms } };
}

/** Lattice's token bucket: `qps` tokens a second, at most `burst` at once. */
export function rateLimitSurface(alias: string, qps: number, burst: number) {
  return { targets: [alias], config: { v: 1, target: alias, qps, burst } };
}

/** Lattice's for_each: the body's entry node is `body_entry`. */
export function forEachSurface(source: string, body: string, itemsPointer: string, concurrency: number | undefined) {
  return {
    targets: [source, body],
    config: {
      v: 1,
      source,
      items_pointer: itemsPointer,
      body_entry: body,
      ...(concurrency === undefined ? {} : { concurrency }),
    },
  };
}
